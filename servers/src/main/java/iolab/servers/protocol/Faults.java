package iolab.servers.protocol;

/**
 * A fault in a codec (a bug, or the platform refusing something nobody foresaw) costs the one
 * connection it happened on, never the thread or loop that serves the others. It is logged
 * once, on one line, so that a client that triggers it on purpose cannot flood the log with
 * stack traces.
 */
public final class Faults {

    private Faults() {
    }

    public static void closedAfter(Throwable fault) {
        StackTraceElement[] trace = fault.getStackTrace();
        System.err.println("iolab-servers: closed one connection after a fault: " + fault
                + (trace.length > 0 ? " at " + trace[0] : ""));
    }
}
