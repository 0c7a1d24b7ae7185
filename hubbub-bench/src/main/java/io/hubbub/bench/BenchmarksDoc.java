package io.hubbub.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Replaces the generated section of docs/BENCHMARKS.md (between the markers), keeping the hand-written rest. */
final class BenchmarksDoc {
    static final String START = "<!-- bench:results:start -->";
    static final String END = "<!-- bench:results:end -->";

    private BenchmarksDoc() {}

    static void write(Path file, String generated) throws IOException {
        String doc = Files.exists(file) ? Files.readString(file) : "# Benchmarks\n\n## Latest results\n\n" + START + "\n" + END + "\n";
        int a = doc.indexOf(START);
        int b = doc.indexOf(END);
        if (a < 0 || b < a) doc = doc + "\n## Latest results\n\n" + START + "\n" + END + "\n";
        a = doc.indexOf(START);
        b = doc.indexOf(END);
        Files.writeString(file, doc.substring(0, a + START.length()) + "\n" + generated + doc.substring(b));
    }
}
