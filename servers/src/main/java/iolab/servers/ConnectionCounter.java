package iolab.servers;

import java.time.Duration;

/**
 * Admission and bookkeeping shared by every model: enforces {@code --max-connections},
 * counts what was admitted and rejected, and lets a graceful stop wait for open
 * connections to finish. Called once per accept and once per close, so a monitor is cheap.
 */
public final class ConnectionCounter {

    private final int maxConnections;
    private int open;
    private long admitted;
    private long rejected;

    public ConnectionCounter(int maxConnections) {
        this.maxConnections = maxConnections;
    }

    /** Admits a new connection, or counts it rejected when {@code maxConnections} are open. */
    public synchronized boolean tryAdmit() {
        if (open >= maxConnections) {
            rejected++;
            return false;
        }
        open++;
        admitted++;
        return true;
    }

    /** Takes back an admission: the connection could not be served after all (no thread for it). */
    public synchronized void revoke() {
        admitted--;
        rejected++;
        release();
    }

    /** An admitted connection closed. */
    public synchronized void release() {
        if (--open == 0) {
            notifyAll();
        }
    }

    public synchronized int open() {
        return open;
    }

    public synchronized long admitted() {
        return admitted;
    }

    public synchronized long rejected() {
        return rejected;
    }

    /** Waits until no connection is open or {@code timeout} passes; true when none is open. */
    public synchronized boolean awaitNoneOpen(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (open > 0) {
            long leftNanos = deadline - System.nanoTime();
            if (leftNanos <= 0) {
                return false;
            }
            wait(Math.max(1, leftNanos / 1_000_000));
        }
        return true;
    }

    @Override
    public synchronized String toString() {
        return "admitted " + admitted + ", rejected " + rejected + ", open " + open;
    }
}
