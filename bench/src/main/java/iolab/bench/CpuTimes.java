package iolab.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's CPU time so far from {@code /proc/stat}, summed over its cores: busy (user,
 * nice, system, irq, softirq), of which interrupt handling (irq, softirq: loopback traffic is
 * processed there), and steal (time the hypervisor gave to another guest while this one wanted
 * to run). Between two snapshots, busy time minus the server's and the client's own is what
 * everything else on the machine took from the measurement: a process's system time includes
 * the softirq ticks that fell while it ran, which {@code /proc/stat} counts as softirq.
 */
record CpuTimes(long nanoTime, long busyNanos, long irqNanos, long stealNanos) {

    private static final long NANOS_PER_TICK = ProcStats.NANOS_PER_TICK;

    /** Null where there is no {@code /proc/stat}. */
    static CpuTimes now() {
        try {
            return parse(System.nanoTime(), Files.readString(Path.of("/proc/stat")));
        } catch (IOException | RuntimeException e) {
            return null; // no /proc: nothing to say
        }
    }

    /** From the text of {@code /proc/stat} read at {@code nanoTime}; null without its {@code cpu} line. */
    static CpuTimes parse(long nanoTime, String procStat) {
        for (String line : procStat.lines().toList()) {
            if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                // cpu user nice system idle iowait irq softirq steal ...
                long irq = Long.parseLong(f[6]) + Long.parseLong(f[7]);
                long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + irq;
                long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
                return new CpuTimes(nanoTime, busy * NANOS_PER_TICK, irq * NANOS_PER_TICK, steal * NANOS_PER_TICK);
            }
        }
        return null;
    }
}
