package com.postpressbridge.inbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the first byte of a file that is not UTF-8, by line and column, reading it once in small chunks. */
public final class Utf8Check {

    private Utf8Check() {
    }

    /** Throws {@code local/not_utf8} with the line and column of the first bad byte. */
    public static void check(Path file) throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        CharBuffer out = CharBuffer.allocate(64 * 1024);
        long line = 1;
        long column = 0;
        try (InputStream bytes = Files.newInputStream(file)) {
            boolean end = false;
            while (!end) {
                int read = bytes.read(in.array(), in.position(), in.remaining());
                end = read < 0;
                if (!end) {
                    in.position(in.position() + read);
                }
                in.flip();
                CoderResult result = decoder.decode(in, out, end);
                out.flip();
                while (out.hasRemaining()) {
                    if (out.get() == '\n') {
                        line++;
                        column = 0;
                    } else {
                        column++;
                    }
                }
                out.clear();
                if (result.isError()) {
                    throw new UnreadableFileException("not_utf8", "the file is not UTF-8 text: save it as UTF-8"
                            + " (in a spreadsheet: \"CSV UTF-8\")", line, column + 1);
                }
                in.compact();
            }
        }
    }
}
