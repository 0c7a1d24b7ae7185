package io.hubbub.bench.load;

import java.io.PrintStream;

/** The progress line on stderr: at most one line per second, plus notes. */
public final class Progress {
    private final PrintStream out;
    private final String label;
    private long last;

    public Progress(PrintStream out, String label) {
        this.out = out;
        this.label = label;
    }

    public void tick(String what) {
        long now = System.nanoTime();
        if (now - last < 1_000_000_000L) return;
        last = now;
        out.println("  [" + label + "] " + what);
    }

    public void force(String what) {
        last = System.nanoTime();
        out.println("  [" + label + "] " + what);
    }

    public void note(String what) {
        out.println("  [" + label + "] note: " + what);
    }
}
