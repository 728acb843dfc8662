package iolab.clients.udp;

import iolab.clients.LoadRun;
import iolab.clients.SocketDrops;
import iolab.clients.Intervals;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.io.PrintStream;
import java.net.PortUnreachableException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The UDP load: one thread sends datagrams on a fixed (or Poisson) schedule, dealt among connected
 * sockets in turn, and one thread reads the replies. Each datagram carries its sequence number and
 * intended send time; a reply's latency counts from that time (so a sender that fell behind cannot
 * hide it), and the sequence numbers tell which datagrams never came back, which came back twice, and
 * which overtook others.
 */
public final class DatagramLoad {

    /**
     * Asked of the kernel for each client socket, so that the client's own buffers are not where datagrams are lost.
     */
    static final int SOCKET_BUFFER = 4 << 20;

    private final DatagramSettings settings;
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final Selector selector;
    private final Recorder latency = new Recorder(LoadRun.SIGNIFICANT_DIGITS);
    private final Histogram sendLag = new Histogram(LoadRun.SIGNIFICANT_DIGITS);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong echoed = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    /** Counted by the receiver alone, read once it has ended. */
    private long late;
    private long reordered;
    private long duplicated;
    private long bad;
    private final BitSet answered = new BitSet();
    private long measureStartNanos;
    private long sendEndNanos;
    private volatile boolean receiving = true;

    private DatagramLoad(DatagramSettings settings) throws IOException {
        this.settings = settings;
        this.selector = Selector.open();
        try {
            for (int i = 0; i < settings.sockets(); i++) {
                DatagramChannel channel = DatagramChannel.open(settings.target().family());
                channels.add(channel);
                channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
                channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
                // Connected: the kernel keeps other senders' datagrams out, and reports ICMP errors to us.
                channel.connect(settings.target().address());
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /**
     * Sends for the warm-up and the duration, waits the timeout for the last replies, and returns what
     * was measured after the warm-up.
     *
     * @param progress one line a second (null: none)
     * @param hlog     the per-second latency histograms (null: none)
     */
    public static DatagramResult run(DatagramSettings settings, Consumer<String> progress, Path hlog)
            throws IOException, InterruptedException {
        DatagramLoad load = new DatagramLoad(settings);
        try (PrintStream hlogOut = hlog == null ? null : new PrintStream(Files.newOutputStream(hlog), false)) {
            return load.measure(progress, hlogOut);
        } finally {
            load.close();
        }
    }

    private DatagramResult measure(Consumer<String> progress, PrintStream hlogOut)
            throws IOException, InterruptedException {
        HistogramLogWriter log = hlogOut == null ? null : Intervals.startLog(hlogOut, settings.describe());
        long startNanos = System.nanoTime();
        measureStartNanos = startNanos + settings.warmup().toNanos();
        sendEndNanos = measureStartNanos + settings.duration().toNanos();
        for (DatagramChannel channel : channels) {
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
        }
        List<Integer> ports = new ArrayList<>();
        for (DatagramChannel channel : channels) {
            ports.add(((java.net.InetSocketAddress) channel.getLocalAddress()).getPort());
        }
        java.util.OptionalLong dropsBefore = SocketDrops.of(ports);
        Thread receiver = Thread.ofPlatform().name("udp-receiver").start(this::receive);
        Thread sender = Thread.ofPlatform().name("udp-sender").start(this::send);
        Intervals.sleepUntil(measureStartNanos); // the receiver records no warm-up datagram: each says when it was due
        Histogram total = new Histogram(LoadRun.SIGNIFICANT_DIGITS);
        Histogram interval = null;
        long waitEndNanos = sendEndNanos + settings.timeout().toNanos();
        long previousSent = 0;
        long previousEchoed = 0;
        for (long tick = measureStartNanos + Intervals.TICK_NANOS; ; tick += Intervals.TICK_NANOS) {
            boolean last = tick >= waitEndNanos;
            Intervals.sleepUntil(Math.min(tick, waitEndNanos));
            if (last) {
                sender.join();
                receiving = false;
                selector.wakeup();
                receiver.join();
            }
            interval = latency.getIntervalHistogram(interval);
            total.add(interval);
            if (log != null) {
                log.outputIntervalHistogram(interval);
            }
            long nowSent = sent.get();
            long nowEchoed = echoed.get();
            if (progress != null) {
                progress.accept(String.format(
                        Locale.ROOT,
                        "%6.1fs %10d sent %10d echoed   p50 %8.3f ms   p99 %8.3f ms   lost so far %d",
                        (System.nanoTime() - measureStartNanos) / 1e9,
                        nowSent - previousSent,
                        nowEchoed - previousEchoed,
                        interval.getValueAtPercentile(50) / 1e6,
                        interval.getValueAtPercentile(99) / 1e6,
                        Math.max(0, nowSent - nowEchoed)));
            }
            previousSent = nowSent;
            previousEchoed = nowEchoed;
            if (last) {
                break;
            }
        }
        java.util.OptionalLong dropsAfter = SocketDrops.of(ports);
        long clientDrops = dropsBefore.isPresent() && dropsAfter.isPresent()
                ? dropsAfter.getAsLong() - dropsBefore.getAsLong()
                : -1;
        return new DatagramResult(
                settings,
                settings.duration().toNanos() / 1e9,
                sent.get(),
                echoed.get(),
                late,
                reordered,
                duplicated,
                refused.get(),
                bad,
                clientDrops,
                channels.getFirst().getOption(StandardSocketOptions.SO_RCVBUF),
                total,
                sendLag);
    }

    /**
     * The schedule: slot i is due at its intended time, and is sent then or, when the sender is behind, as soon as it
     * can be.
     */
    private void send() {
        ByteBuffer datagram = ByteBuffer.allocateDirect(settings.size());
        double gapNanos = 1e9 / settings.ratePerSecond();
        long startNanos = measureStartNanos - settings.warmup().toNanos();
        double intended = startNanos;
        for (long seq = 0; ; seq++) {
            intended += settings.poisson()
                    ? -Math.log(1 - ThreadLocalRandom.current().nextDouble()) * gapNanos
                    : (seq == 0 ? 0 : gapNanos);
            long due = (long) intended;
            if (due >= sendEndNanos) {
                return;
            }
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            datagram.clear();
            datagram.putLong(seq).putLong(due);
            datagram.position(settings.size()).flip();
            long actual = System.nanoTime();
            try {
                DatagramChannel channel = channels.get((int) (seq % channels.size()));
                while (channel.write(datagram) == 0) {
                    Thread.onSpinWait(); // the socket's send buffer is full: a datagram is sent whole or not at all
                }
            } catch (IOException e) {
                // An earlier datagram's ICMP report ("port unreachable"); this one was not sent.
                refused.incrementAndGet();
                continue;
            }
            if (due >= measureStartNanos) {
                sent.incrementAndGet();
                sendLag.recordValue(Math.max(0, actual - due));
            }
        }
    }

    private void receive() {
        ByteBuffer reply = ByteBuffer.allocateDirect(DatagramSettings.RECEIVE_BUFFER);
        // Per socket: datagrams on two sockets may pass each other on the way, as on two paths.
        long[] highest = new long[channels.size()];
        java.util.Arrays.fill(highest, -1);
        try {
            while (receiving) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    DatagramChannel channel = (DatagramChannel) key.channel();
                    while (true) {
                        reply.clear();
                        int length;
                        try {
                            length = channel.read(reply);
                        } catch (PortUnreachableException e) {
                            refused.incrementAndGet();
                            continue;
                        }
                        if (length <= 0) {
                            break;
                        }
                        long now = System.nanoTime();
                        if (length != settings.size()) {
                            bad++;
                            continue;
                        }
                        long seq = reply.getLong(0);
                        long due = reply.getLong(Long.BYTES);
                        if (seq < 0
                                || seq > Integer.MAX_VALUE
                                || due < measureStartNanos - settings.warmup().toNanos()
                                || due > sendEndNanos) {
                            bad++;
                            continue;
                        }
                        if (due < measureStartNanos) {
                            continue; // the warm-up's
                        }
                        if (answered.get((int) seq)) {
                            duplicated++;
                            continue;
                        }
                        answered.set((int) seq);
                        long nanos = now - due;
                        latency.recordValue(Math.max(0, nanos));
                        if (nanos > settings.timeout().toNanos()) {
                            late++;
                        }
                        int socket = (int) (seq % highest.length);
                        if (seq < highest[socket]) {
                            reordered++;
                        } else {
                            highest[socket] = seq;
                        }
                        echoed.incrementAndGet();
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void close() {
        for (DatagramChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was left to read
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // nothing was left to read
        }
    }
}
