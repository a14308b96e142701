package io.hdkd.core.progress;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A progress line for long loops: items done of total, throughput and time left. On a terminal it redraws one line
 * with {@code \r} (at most ten times a second); otherwise (logs, CI, pipes) it prints a plain line every tenth of the
 * way so logs stay short. Thread-safe: workers may call {@link #step} concurrently.
 */
public final class ProgressBar implements AutoCloseable {

    private static final long TTY_INTERVAL_NANOS = 100_000_000L;
    private static final int BAR_WIDTH = 24;

    private final String label;
    private final long total;
    private final String unit;
    private final PrintStream out;
    private final boolean tty;
    private final LongSupplier nanoClock;
    private final long start;
    private final AtomicLong done = new AtomicLong();
    private long lastRender;
    private long lastPlainDecile = -1;
    private boolean closed;
    private volatile String status = "";

    /** A bar on stderr that redraws in place if the process has a console. */
    public static ProgressBar stderr(String label, long total, String unit) {
        return new ProgressBar(label, total, unit, System.err, System.console() != null, System::nanoTime);
    }

    /**
     * @param tty true to redraw one line with carriage returns, false for sparse plain lines
     * @param nanoClock the time source (tests pass a fake one)
     */
    public ProgressBar(String label, long total, String unit, PrintStream out, boolean tty, LongSupplier nanoClock) {
        if (total < 0) {
            throw new IllegalArgumentException("total must be >= 0: " + total);
        }
        this.label = label;
        this.total = total;
        this.unit = unit;
        this.out = out;
        this.tty = tty;
        this.nanoClock = nanoClock;
        this.start = nanoClock.getAsLong();
        this.lastRender = start - TTY_INTERVAL_NANOS;
    }

    /** Records {@code n} more items done and redraws if it is time to. */
    public void step(long n) {
        long now = done.addAndGet(n);
        maybeRender(now, false);
    }

    public void step() {
        step(1);
    }

    /** Sets a short status shown after the counts (e.g. the running loss); redrawn with the next step. */
    public void status(String text) {
        status = text == null ? "" : text;
    }

    public long done() {
        return done.get();
    }

    private synchronized void maybeRender(long now, boolean force) {
        if (closed) {
            return;
        }
        long t = nanoClock.getAsLong();
        if (tty) {
            if (force || t - lastRender >= TTY_INTERVAL_NANOS || now >= total) {
                lastRender = t;
                out.print("\r" + line(now, t));
                out.flush();
            }
        } else {
            long decile = total == 0 ? 10 : Math.min(10, now * 10 / total);
            if (force || decile > lastPlainDecile) {
                lastPlainDecile = decile;
                out.println(line(now, t));
                out.flush();
            }
        }
    }

    /** The text of the progress line (without carriage return). */
    String line(long now, long nanos) {
        double seconds = Math.max(1e-9, (nanos - start) / 1e9);
        double rate = now / seconds;
        StringBuilder sb = new StringBuilder(label).append(' ');
        if (tty) {
            int filled = total == 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, now * BAR_WIDTH / total);
            sb.append('[').append("#".repeat(filled)).append(" ".repeat(BAR_WIDTH - filled)).append("] ");
        }
        sb.append(now).append('/').append(total).append(' ').append(unit);
        sb.append(String.format(Locale.ROOT, "  %.1f %s/s", rate, unit));
        if (!status.isEmpty()) {
            sb.append("  ").append(status);
        }
        if (now < total && now > 0) {
            sb.append("  eta ").append(formatSeconds((total - now) / rate));
        } else {
            sb.append("  ").append(formatSeconds(seconds));
        }
        return sb.toString();
    }

    static String formatSeconds(double s) {
        long secs = Math.round(s);
        if (secs < 60) {
            return secs + "s";
        }
        if (secs < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", secs / 60, secs % 60);
        }
        return String.format(Locale.ROOT, "%dh%02dm", secs / 3600, (secs % 3600) / 60);
    }

    /** Draws the final state and ends the line. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        if (tty) {
            maybeRender(done.get(), true);
            out.println();
        } else if (lastPlainDecile < 10) {
            maybeRender(done.get(), true);
        }
        closed = true;
        out.flush();
    }
}
