package com.postpressbridge.chat;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.postpressbridge.record.InvalidRecordException;

/**
 * Fills {@code {{name}}} placeholders from a record's variables. Values go in literally (a value that itself
 * contains braces is not expanded again). A placeholder without a value, or an unclosed {@code {{}, is an error:
 * the text is never sent with a placeholder left in it.
 */
public final class TemplateRenderer {

    // A name of any letters and digits (a CSV column "prénom" is a variable as "first_name" is: a probe), _ . - [ ].
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([\\p{L}\\p{N}\\p{M}_.\\-\\[\\]]+)\\s*}}");

    private TemplateRenderer() {
    }

    /**
     * @param field the record field the text came from, named in the error
     */
    public static String render(String field, String text, Map<String, String> variables) {
        if (text == null || !text.contains("{{")) {
            return text;
        }
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 32);
        Set<String> missing = new LinkedHashSet<>();
        int last = 0;
        while (matcher.find()) {
            String before = text.substring(last, matcher.start());
            checkNoStrayOpening(field, before);
            out.append(before);
            String name = matcher.group(1);
            String value = variables.get(name);
            if (value == null) {
                missing.add(name);
            } else {
                out.append(value);
            }
            last = matcher.end();
        }
        String rest = text.substring(last);
        checkNoStrayOpening(field, rest);
        out.append(rest);
        if (!missing.isEmpty()) {
            throw new InvalidRecordException("missing_variable", "Template variable without a value",
                    field + " uses " + String.join(", ", missing.stream().map(n -> "{{" + n + "}}").toList())
                            + " but the record has no value for " + String.join(", ", missing)
                            + " (add the column, or the key under \"variables\")");
        }
        return out.toString();
    }

    private static void checkNoStrayOpening(String field, String text) {
        int at = text.indexOf("{{");
        if (at >= 0) {
            String near = text.substring(at, Math.min(text.length(), at + 30));
            throw new InvalidRecordException("invalid_template", "Malformed template placeholder",
                    field + " has a '{{' that is not a placeholder like {{first_name}}: \"" + near + "\"");
        }
    }
}
