package com.postpressbridge.inbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Names as bytes: a name that is not valid UTF-8 is told apart, and escaped without losing a byte. */
public class FileNamesTest {

    @TempDir
    Path folder;

    @Test
    void aNameThatIsNotUtf8IsNotReadableAndIsEscapedByteForByte() throws Exception {
        Path listed = withRawName(folder, "bad\\377 100%%.csv", "account_id,attendees_ids\n");
        assertFalse(FileNames.readable(listed));
        assertEquals("bad%FF%20100%25.csv", FileNames.escaped(listed));
        assertFalse(Files.exists(folder.resolve(listed.getFileName().toString())), "its name as read leads nowhere");
    }

    @Test
    void aPlainNameIsReadableAndEscapesToItself() throws IOException {
        Path plain = Files.writeString(folder.resolve("leads-2026.csv"), "");
        assertTrue(FileNames.readable(plain));
        assertEquals("leads-2026.csv", FileNames.escaped(plain));
        Path sub = Files.createDirectories(folder.resolve("sub"));
        assertEquals("sub", FileNames.escaped(sub));
    }

    @Test
    void theReasonSaysWhatToDoForEachEncoding() {
        String utf8 = FileNames.why("bad%FF.csv", StandardCharsets.UTF_8);
        assertTrue(utf8.contains("not valid UTF-8") && utf8.contains("\"bad%FF.csv\"") && utf8.contains("Rename"),
                utf8);
        String ascii = FileNames.why("caf%C3%A9.csv", StandardCharsets.US_ASCII);
        assertTrue(ascii.contains("US-ASCII") && ascii.contains("LANG=C.UTF-8") && ascii.contains("\"caf%C3%A9.csv\""),
                ascii);
    }

    /**
     * Writes a file whose name has raw bytes ({@code printf} octal escapes such as {@code \377}), which no Java string
     * can name ({@code %%} for a percent sign), and returns it as the folder lists it.
     */
    public static Path withRawName(Path folder, String printfName, String content) throws IOException,
            InterruptedException {
        Path source = Files.writeString(folder.resolve("raw-name.tmp"), content);
        Process mv = new ProcessBuilder(List.of("sh", "-c", "mv \"$1\" \"$2/$(printf \"$3\")\"", "sh", source.toString(),
                folder.toString(), printfName)).inheritIO().start();
        assertEquals(0, mv.waitFor());
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(entry -> !FileNames.readable(entry)).findFirst().orElseThrow();
        }
    }

    /** A name and its suffix stay a name a file system takes: the name is cut at whole characters, and marked. */
    @Test
    void aNameWithASuffixIsCutToTheLongestAFileNameMayBe() {
        assertEquals("leads.csv.error.json", FileNames.fit("leads.csv", ".error.json"));
        String fitted = FileNames.fit("é".repeat(125) + ".csv", ".error.json"); // 254 bytes, and 11 more
        assertTrue(fitted.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255, fitted);
        assertTrue(fitted.endsWith("é~.error.json"), fitted);
    }
}
