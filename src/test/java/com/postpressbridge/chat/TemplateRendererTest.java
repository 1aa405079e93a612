package com.postpressbridge.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.postpressbridge.record.InvalidRecordException;

class TemplateRendererTest {

    @Test
    void fillsEveryPlaceholderLiterally() {
        assertEquals("Hi Ada, {{not again}} at A&B",
                TemplateRenderer.render("text", "Hi {{first_name}}, {{ tricky }} at {{company}}",
                        Map.of("first_name", "Ada", "tricky", "{{not again}}", "company", "A&B")));
        assertEquals("no placeholders { here }", TemplateRenderer.render("text", "no placeholders { here }", Map.of()));
        assertEquals(null, TemplateRenderer.render("text", null, Map.of()));
        assertEquals("Hi Zoë 🎉 👋", TemplateRenderer.render("text", "Hi {{prénom}} 👋", Map.of("prénom", "Zoë 🎉")),
                "a name in any letters (a probe saw it refused as not a placeholder)");
        assertEquals("Здравствуйте, Анна", TemplateRenderer.render("text", "Здравствуйте, {{ имя }}", Map.of("имя", "Анна")));
    }

    @Test
    void namesEveryMissingVariable() {
        InvalidRecordException missing = assertThrows(InvalidRecordException.class,
                () -> TemplateRenderer.render("subject", "{{a}} {{b}} {{a}} {{c}}", Map.of("b", "x")));
        assertEquals("local/missing_variable", missing.error().type());
        assertTrue(missing.error().detail().startsWith("subject uses {{a}}, {{c}} but"), missing.error().detail());
    }

    @Test
    void anUnclosedPlaceholderIsNotSentAsIs() {
        assertEquals("local/invalid_template", assertThrows(InvalidRecordException.class,
                () -> TemplateRenderer.render("text", "Hi {{first_name", Map.of("first_name", "Ada"))).error().type());
        assertEquals("local/invalid_template", assertThrows(InvalidRecordException.class,
                () -> TemplateRenderer.render("text", "{{a}} and {{ b c }}", Map.of("a", "x"))).error().type());
    }
}
