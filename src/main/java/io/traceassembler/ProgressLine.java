package io.traceassembler;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * Progress of long work (replay, generate-spans) as a line on standard error, at most once per
 * interval, and only when a person is watching (a terminal is attached): logs and pipes stay clean.
 */
public final class ProgressLine {
    /** How often a line is printed at most. */
    public static final long DEFAULT_INTERVAL_MS = 3_000;

    private final PrintStream out;
    private final long intervalNanos;
    private final boolean enabled;
    private long lastNanos = System.nanoTime();

    ProgressLine(PrintStream out, long intervalMs, boolean enabled) {
        this.out = out;
        this.intervalNanos = intervalMs * 1_000_000L;
        this.enabled = enabled;
    }

    /** A progress line on standard error, enabled when the JVM has a terminal. */
    public static ProgressLine onTerminal() {
        return new ProgressLine(System.err, DEFAULT_INTERVAL_MS, onATerminal());
    }

    /** True when the JVM runs attached to a terminal (not in a pipe, a test or a service). */
    public static boolean onATerminal() {
        return System.console() != null;
    }

    /** Prints {@code line} when the interval has passed since the last line (cheap otherwise). */
    public void update(Supplier<String> line) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastNanos >= intervalNanos) {
            lastNanos = now;
            out.println(line.get());
        }
    }
}
