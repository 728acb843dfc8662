package iolab.clients;

import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * One thread, one selector, its share of the connections: wrk's shape. Nothing on this path is
 * shared with the other loops but the wait-free {@link Recorder} and this loop's own counters,
 * which only this thread writes.
 *
 * <p>Latency is measured from a request's <em>intended</em> send time in the open loop (its
 * slot on the fixed schedule, however late it really went out: the coordinated-omission
 * correction of wrk2) and from its actual send time in the closed loop, where each request is
 * sent when the previous response has arrived.
 */
final class ClientLoop implements Runnable {

    private static final int MAX_PENDING_CONNECTS = 256;
    private static final long RECONNECT_DELAY_NANOS = 100_000_000L;
    private static final long TIMEOUT_CHECK_NANOS = 50_000_000L;
    /**
     * Closer than this to its next slot, the open loop cannot sleep in the selector (whose timeout is in
     * milliseconds)...
     */
    private static final long NAP_BELOW_NANOS = 1_000_000L;
    /** ...and naps instead, at most this long at a time, so that a response is read at most this late... */
    private static final long MAX_NAP_NANOS = 100_000L;
    /** ...unless the slot is closer than this, where a nap (and the timer's slack) would outlast it: then it polls. */
    private static final long SPIN_BELOW_NANOS = 100_000L;

    private final LoadSettings settings;
    private final Recorder recorder;
    /** The values in {@link #recorder} that are lower bounds: requests given up unanswered, at the wait they had. */
    private final Recorder censored;
    private final Recorder sendLag;
    /** How long each connect took, from its start to established, recorded like the latencies. */
    private final Recorder connectTime;
    private final Recorder serviceTime;
    /** HTTPS: each handshake's time, from TCP established to TLS established. */
    private final Recorder handshakeTime;
    /** HTTPS: the context whose session cache resumption draws on; null for plain TCP. */
    private final javax.net.ssl.SSLContext tlsContext;
    private final Selector selector;
    private final Connection[] connections;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    /** The request as many times as the pipeline holds: a batch leaves in one write, as wrk sends it. */
    private final ByteBuffer batch;
    private final int requestLength;
    private final PriorityQueue<Connection> schedule =
            new PriorityQueue<>((a, b) -> Long.compare(a.nextIntendedNanos, b.nextIntendedNanos));
    private final ArrayDeque<Connection> toConnect = new ArrayDeque<>();
    private final long intervalNanos;
    private final int firstConnection;
    /** Until every connection has connected (or failed once), nothing is sent: connecting is a phase of its own. */
    private boolean connectPhase = true;
    /** The load starts no sooner than this ({@link System#nanoTime()}): the instant hosts sharing a load agreed on. */
    long startNotBeforeNanos = Long.MIN_VALUE;
    private int settledConnects;
    private final long connectPhaseDeadlineNanos;
    final CountDownLatch connectPhaseDone = new CountDownLatch(1);
    /** Warm-up responses are recorded here and thrown away, so the recording path is compiled before it counts. */
    private final Recorder discarded = new Recorder(LoadRun.SIGNIFICANT_DIGITS);
    private final SplittableRandom arrivals = new SplittableRandom();
    private final Consumer<SelectionKey> handle = key -> ((Connection) key.attachment()).handle(key);
    private int pendingConnects;
    private long lastTimeoutCheckNanos;
    private volatile boolean running = true;
    /**
     * Responses to requests whose latency origin is before this are not recorded (the warm-up's). Set by this loop's
     * thread only, between passes ({@link #applyRecordingStart}), so that every request is judged by one value of it.
     */
    private volatile long recordFromNanos = Long.MAX_VALUE;
    /** The recording start another thread asked for ({@link #startRecording}), not yet applied. */
    private volatile long recordFromAskedNanos = Long.MAX_VALUE;
    /** The latest latency origin of a request put on a connection so far. */
    private long latestOriginNanos = Long.MIN_VALUE;
    private volatile long drainDeadlineNanos;
    /** When the load stopped sending; Long.MAX_VALUE while it runs. */
    private volatile long stopNanos = Long.MAX_VALUE;
    /** When the connect phase ended and the load began. */
    private long loadStartNanos;
    /**
     * Closed loop: connections given up while a request was unanswered, as the request's send time and when it was
     * given up. They enter the latency record at the end ({@link #recordBlocked}), when the pace a served connection
     * kept is known.
     */
    private final LongQueue blockedSince = new LongQueue();
    private final LongQueue blockedUntil = new LongQueue();
    /**
     * Closed loop: connections whose request, sent before the window, was answered only inside it or after, or whose
     * stall through a timeout ended with a response: since and until.
     */
    private final LongQueue lateSince = new LongQueue();
    private final LongQueue lateUntil = new LongQueue();

    /** Written by this loop only; read by the progress ticker. */
    final AtomicLong requests = new AtomicLong();
    /** Every response, recorded or not (the warm-up's too). */
    final AtomicLong answered = new AtomicLong();
    final AtomicLongArray errors = new AtomicLongArray(ErrorKind.values().length);
    final AtomicLongArray statuses = new AtomicLongArray(600);
    /**
     * Requests put on a connection while recording, and those of the warm-up counted unanswered at the end: each ends
     * as exactly one recorded response, failed request ({@link #failedRequests}) or unanswered one:
     * {@link RequestAccount}.
     */
    final AtomicLong issued = new AtomicLong();
    /** Requests in flight on a connection that failed (read, write, timeout, bad response), counted as that error. */
    final AtomicLong failedRequests = new AtomicLong();
    /** Writes of requests (a pipelined batch is one); read after the loop has ended. */
    final AtomicLong writes = new AtomicLong();
    /** Bytes of responses read since recording started (wrk's "read" and Transfer/sec). */
    final AtomicLong bytesRead = new AtomicLong();
    /** Why the first bad response was bad; null while there was none. */
    volatile String badResponse;
    /** HTTPS: handshakes finished while recording, and of those the resumed ones. */
    final AtomicLong handshakes = new AtomicLong();
    final AtomicLong resumedHandshakes = new AtomicLong();

    /**
     * @param firstConnection index of this loop's first connection among all, so that the open loop's schedule spreads
     *     every connection's slots evenly over time
     */
    ClientLoop(
            LoadSettings settings,
            LoadRun.Recorders recorders,
            int connectionCount,
            int firstConnection,
            long startNanos)
            throws IOException {
        this.recorder = recorders.latency();
        this.censored = recorders.censored();
        this.sendLag = recorders.sendLag();
        this.serviceTime = recorders.serviceTime();
        this.connectTime = recorders.connectTime();
        this.handshakeTime = recorders.handshakeTime();
        this.tlsContext = settings.tls() == null ? null : settings.tls().context();
        this.firstConnection = firstConnection;
        this.connectPhaseDeadlineNanos = startNanos + settings.connectTimeout().toNanos();
        this.settings = settings;
        this.selector = Selector.open();
        byte[] request = settings.workload().request();
        this.requestLength = request.length;
        ByteBuffer requests = ByteBuffer.allocate(request.length * settings.pipeline());
        for (int i = 0; i < settings.pipeline(); i++) {
            requests.put(request);
        }
        this.batch = requests.flip().asReadOnlyBuffer();
        this.connections = new Connection[connectionCount];
        if (settings.warmup().isZero()) {
            recordFromNanos = Long.MIN_VALUE;
        }
        double rate = settings.ratePerSecond();
        this.intervalNanos = rate > 0 ? Math.round(settings.connections() * 1e9 / rate) : 0;
        for (int i = 0; i < connectionCount; i++) {
            Connection connection = new Connection();
            connections[i] = connection;
            toConnect.add(connection);
        }
    }

    /**
     * The gap to a connection's next slot: its share of the rate on a fixed schedule, or an
     * exponential gap with that mean for Poisson arrivals.
     */
    long nextGapNanos() {
        if (!settings.poisson()) {
            return intervalNanos;
        }
        return Math.max(1, Math.round(-Math.log(1 - arrivals.nextDouble()) * intervalNanos));
    }

    /**
     * Every connection has connected or failed once (or the connect timeout has passed): the load
     * starts now. The open loop's schedule begins here, each connection's slots offset so that all
     * slots are spread evenly; the closed loop sends its first requests.
     */
    private void endConnectPhase(long now) {
        connectPhase = false;
        loadStartNanos = now;
        double rate = settings.ratePerSecond();
        for (int i = 0; i < connections.length; i++) {
            Connection connection = connections[i];
            if (rate > 0) {
                connection.nextIntendedNanos = now + Math.round((firstConnection + i) * 1e9 / rate);
                schedule.add(connection);
            } else if (connection.connected) {
                connection.startSending(now);
            }
        }
        connectPhaseDone.countDown();
    }

    /** From now on, record: in the open loop, requests whose slot is from now on, however late they are sent. */
    void startRecording(long fromNanos) {
        recordFromAskedNanos = fromNanos;
        selector.wakeup();
    }

    /**
     * Starts recording if it was asked for, from the instant asked or just after the latest request already put on a
     * connection, whichever is later: that request was not counted as issued, and its response must not be recorded
     * (set by the asking thread, a request sent between its clock reading and its write was answered as recorded but
     * never issued, and the account did not balance, about one test run in three).
     */
    private void applyRecordingStart() {
        long asked = recordFromAskedNanos;
        if (asked != Long.MAX_VALUE && recordFromNanos == Long.MAX_VALUE) {
            recordFromNanos = Math.max(asked, latestOriginNanos + 1); // none sent yet: MIN_VALUE + 1, so asked
        }
    }

    /**
     * Sends no more requests; the responses still due are awaited for up to {@code drainNanos} and
     * counted, and those still awaited after it are counted as unanswered.
     */
    void stop(long drainNanos) {
        long now = System.nanoTime();
        drainDeadlineNanos = now + drainNanos;
        stopNanos = now;
        running = false;
        selector.wakeup();
    }

    private boolean draining() {
        if (System.nanoTime() > drainDeadlineNanos) {
            return false;
        }
        for (Connection connection : connections) {
            if (connection.connected && !(connection.originNanos.isEmpty() && connection.owed.isEmpty())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void run() {
        try {
            while (running || draining()) {
                applyRecordingStart();
                long now = System.nanoTime();
                if (running) {
                    startConnects(now);
                }
                boolean connected = settledConnects >= connections.length || now > connectPhaseDeadlineNanos;
                if (connectPhase && ((connected && now >= startNotBeforeNanos) || !running)) {
                    endConnectPhase(now);
                }
                long waitNanos = TIMEOUT_CHECK_NANOS;
                if (connectPhase && connected) {
                    waitNanos = Math.min(waitNanos, startNotBeforeNanos - now);
                }
                if (!schedule.isEmpty()) {
                    waitNanos = Math.min(waitNanos, schedule.peek().nextIntendedNanos - now);
                }
                // The action forms of select allocate nothing: an iterator over the selected keys on every
                // pass would make garbage at a rate whose GC pauses are the client's tail.
                if (waitNanos >= NAP_BELOW_NANOS) {
                    selector.select(handle, waitNanos / 1_000_000); // rounded down: it wakes before the slot, then naps
                } else {
                    selector.selectNow(handle);
                    if (waitNanos >= SPIN_BELOW_NANOS) {
                        // Selector timeouts have millisecond grain, and sleeping through the slot would send it late
                        // (the open loop counts lateness as latency). Below a millisecond it naps instead of polling,
                        // so that at a low rate its CPU follows the rate, not a whole core. Below 100 µs it polls: a
                        // nap of 50 µs takes about 110 with the timer's slack, and a response that arrives meanwhile
                        // waits for it. At 20,000 req/s on 100 connections against nginx, napping there gave a p50 of
                        // 0.21-0.28 ms and a p99 of 0.4-2.1x wrk2's (median 1.19x, 6 pairs); polling a p50 of 0.04 ms
                        // and 0.32-1.41x (median 0.40x, 4 pairs), with the loop waiting for its core no longer
                        // (bench/generator-vs-wrk2.sh, 2026-12-02).
                        java.util.concurrent.locks.LockSupport.parkNanos(Math.min(waitNanos, MAX_NAP_NANOS));
                    }
                }
                now = System.nanoTime();
                if (running) {
                    sendDue(now);
                }
                if (now - lastTimeoutCheckNanos > TIMEOUT_CHECK_NANOS) {
                    lastTimeoutCheckNanos = now;
                    checkTimeouts(now);
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("client loop failed: " + e);
        } finally {
            connectPhaseDone.countDown();
            for (Connection connection : connections) {
                connection.countUnfinished();
                connection.closeChannel();
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // nothing left to do with it
            }
        }
    }

    private void startConnects(long now) {
        int waiting = toConnect.size();
        while (pendingConnects < MAX_PENDING_CONNECTS && waiting-- > 0) {
            Connection connection = toConnect.poll();
            if (connection.reconnectAtNanos > now) {
                toConnect.add(connection); // not yet: try the next
                continue;
            }
            connection.connect(now);
        }
    }

    /** Open loop: every connection whose slot has come sends, or owes, one request per slot. */
    private void sendDue(long now) {
        while (!schedule.isEmpty() && schedule.peek().nextIntendedNanos <= now) {
            Connection connection = schedule.poll();
            long intended = connection.nextIntendedNanos;
            connection.nextIntendedNanos += nextGapNanos();
            schedule.add(connection);
            connection.owed.add(intended);
            connection.sendOwed(now);
        }
    }

    private void checkTimeouts(long now) {
        long timeoutNanos = settings.timeout().toNanos();
        long connectTimeoutNanos = settings.connectTimeout().toNanos();
        for (Connection connection : connections) {
            if (connection.connecting && now - connection.connectStartedNanos > connectTimeoutNanos) {
                connection.fail(ErrorKind.CONNECT, now);
            } else if (connection.connected && !connection.sentNanos.isEmpty()
                    && now - connection.sentNanos.peek() > timeoutNanos) {
                connection.timedOut(now);
            }
        }
    }

    /**
     * Whether a request sent at {@code originNanos} that fails or is given up at {@code now} was sent in the warm-up
     * and ends in the measurement: then it is issued in the measurement, as an answered one would be recorded there.
     */
    private boolean adoptedIntoMeasurement(long originNanos, long now) {
        boolean adopted = originNanos < recordFromNanos && now >= recordFromNanos;
        if (adopted) {
            issued.setRelease(issued.getPlain() + 1);
        }
        return adopted;
    }

    /**
     * Counts an error of a request whose latency origin (intended or actual send time) is {@code originNanos}, if it is
     * a recorded one.
     */
    private void countError(ErrorKind kind, long originNanos) {
        if (originNanos >= recordFromNanos) {
            count(kind);
        }
    }

    private void count(ErrorKind kind) {
        errors.setRelease(kind.ordinal(), errors.getPlain(kind.ordinal()) + 1);
    }

    /**
     * A request or slot never answered enters the latency record at the wait it had, marked censored: a lower bound.
     */
    private void censor(long waitNanos) {
        long wait = Math.max(0, waitNanos);
        recorder.recordValue(wait);
        censored.recordValue(wait);
    }

    /**
     * Closed loop, once the loop has ended: each connection given up while blocked stands for the requests it would
     * have sent in the measured window while it waited, one every {@code paceNanos} (the pace of a served connection),
     * each at the wait it would have had at least: HdrHistogram's correction for coordinated omission
     * ({@code recordValueWithExpectedInterval}), kept to the window. Without it a pool that serves 200 of 1,000
     * connections has 800 censored values among 100,000 and shows the best p50; with it 80% of the record is censored,
     * as 80% of its users were. With no pace known (no response at all) each counts once.
     */
    void recordBlocked(long paceNanos) {
        long windowStart = windowStartNanos();
        // Answered at last, but blocked from before the window into it: the requests it would have sent meanwhile,
        // after the one it had sent, had known waits. Without them a server that leaves 700 of 1,000 connections
        // waiting through the window and answers them in the drain (thread-per-connection's 1,000 runnable threads)
        // shows its 300 fast ones' p50 alone.
        while (!lateSince.isEmpty()) {
            long since = lateSince.poll();
            long until = lateUntil.poll();
            long lastSend = Math.min(until, stopNanos);
            if (paceNanos <= 0) {
                continue;
            }
            long send = since + paceNanos;
            if (send < windowStart) {
                send += (windowStart - send + paceNanos - 1) / paceNanos * paceNanos;
            }
            for (; send <= lastSend; send += paceNanos) {
                recorder.recordValue(until - send);
            }
        }
        while (!blockedSince.isEmpty()) {
            long since = blockedSince.poll();
            long until = blockedUntil.poll();
            long lastSend = Math.min(until, stopNanos);
            for (long send = Math.max(since, windowStart); send <= lastSend; send += paceNanos) {
                censor(until - send);
                if (paceNanos <= 0) {
                    break;
                }
            }
        }
    }

    /** The responses each of this loop's connections had in the measured window; read after the loop has ended. */
    long[] responsesPerConnection() {
        long[] counts = new long[connections.length];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = connections[i].recordedResponses;
        }
        return counts;
    }

    /**
     * The measured window so far: from recording's start (or the load's) to the stop, in nanoseconds; 0 when nothing
     * was recorded.
     */
    long windowNanos() {
        long end = Math.min(stopNanos, System.nanoTime());
        return recordFromNanos == Long.MAX_VALUE ? 0 : Math.max(0, end - windowStartNanos());
    }

    /** Where the measured window starts: recording's start, or the load's when it records from the first request. */
    private long windowStartNanos() {
        return Math.max(recordFromNanos, loadStartNanos);
    }

    /** A connection's state; touched by this loop's thread only. */
    private static final long NOT_STALLED = Long.MIN_VALUE;

    private final class Connection implements Workload.Completion {
        private SocketChannel channel;
        /** What requests and responses go through: the socket, or TLS over it. */
        private java.nio.channels.ByteChannel io;
        /** HTTPS: the TLS layer while this connection lasts; null for plain TCP. */
        private iolab.tls.TlsChannel tls;
        private long tcpEstablishedNanos;
        private SelectionKey key;
        private Workload.ResponseReader reader;
        /** Latency origins of the requests in flight: intended (open loop) or actual (closed) send times. */
        private final LongQueue originNanos = new LongQueue();
        /** Actual send times of the requests in flight, for the timeout. */
        private final LongQueue sentNanos = new LongQueue();
        /** Open loop: intended times of requests whose slot came while they could not be sent. */
        private final LongQueue owed = new LongQueue();
        private final ByteBuffer batchView = batch.duplicate();
        /** Responses recorded (in the measured window) on this connection, however often it was re-made. */
        private long recordedResponses;
        private int unwrittenRequests;
        private int writeOffset;
        private long nextIntendedNanos;
        private long connectStartedNanos;
        private long reconnectAtNanos;
        private long readNanos;
        /** Open loop: since when this connection could send (connected, or a response freed a pipeline place). */
        private long freeSinceNanos;
        private boolean connecting;
        private boolean connected;
        private boolean closeAfterResponse;
        private boolean settledOnce;
        /**
         * Closed loop: the send time of the request whose timeout began a stall, or {@link #NOT_STALLED}. The
         * connection is made again and its user still waits, so the stall runs on through later timeouts until a
         * response or the end: ending it at each timeout would keep every censored wait under the timeout, a pool's
         * starved users' with them.
         */
        private long stalledSinceNanos = NOT_STALLED;

        void connect(long now) {
            try {
                channel = SocketChannel.open(settings.target().family());
                channel.configureBlocking(false);
                if (!settings.target().isUnix()) {
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                }
                reader = settings.workload().newReader();
                connectStartedNanos = now;
                io = channel;
                if (channel.connect(settings.target().address())) {
                    key = channel.register(selector, SelectionKey.OP_READ, this);
                    established(now);
                } else {
                    key = channel.register(selector, SelectionKey.OP_CONNECT, this);
                    connecting = true;
                    pendingConnects++;
                }
            } catch (IOException | RuntimeException e) {
                fail(ErrorKind.CONNECT, now);
            }
        }

        void handle(SelectionKey readyKey) {
            long now = System.nanoTime();
            try {
                if (readyKey.isConnectable()) {
                    try {
                        channel.finishConnect();
                    } catch (IOException e) {
                        fail(ErrorKind.CONNECT, now);
                        return;
                    }
                    connecting = false;
                    pendingConnects--;
                    established(now);
                    return;
                }
                if (tls != null && tls.handshaking()) {
                    handshake(now);
                    return;
                }
                if (readyKey.isWritable()) {
                    flush(now);
                }
                if (connected && readyKey.isReadable()) {
                    read(now);
                }
            } catch (java.nio.channels.CancelledKeyException e) {
                // closed while handling: already counted
            }
        }

        /** TCP is up: the connection is ready, or over HTTPS starts its handshake. */
        private void established(long now) {
            if (connectStartedNanos >= recordFromNanos) {
                connectTime.recordValue(Math.max(0, now - connectStartedNanos));
            }
            if (tlsContext == null) {
                connected(now);
                return;
            }
            try {
                tcpEstablishedNanos = now;
                int port = ((java.net.InetSocketAddress) settings.target().address()).getPort();
                tls = new iolab.tls.TlsChannel(
                        channel, settings.tls().newEngine(tlsContext, settings.target().hostName(), port));
                io = tls;
                handshake(now);
            } catch (IOException e) {
                handshakeFailed(e, now);
            }
        }

        private void handshake(long now) {
            try {
                if (!tls.handshake()) {
                    key.interestOps(tls.interest());
                    return;
                }
            } catch (IOException e) {
                handshakeFailed(e, now);
                return;
            }
            if (tcpEstablishedNanos >= recordFromNanos) {
                handshakeTime.recordValue(Math.max(0, now - tcpEstablishedNanos));
                handshakes.setRelease(handshakes.getPlain() + 1);
                if (tls.resumed()) {
                    resumedHandshakes.setRelease(resumedHandshakes.getPlain() + 1);
                }
            }
            connected(now);
        }

        /**
         * A handshake that failed is a failed connect; the first one's reason is kept, since it is usually the same for
         * all.
         */
        private void handshakeFailed(IOException e, long now) {
            if (badResponse == null) {
                badResponse = "TLS handshake failed: " + e.getMessage()
                        + (settings.tls().insecure()
                                ? ""
                                : " (--insecure trusts any certificate, a self-signed one for instance)");
            }
            fail(ErrorKind.CONNECT, now);
        }

        private void connected(long now) {
            connected = true;
            settled();
            freeSinceNanos = now;
            key.interestOps(SelectionKey.OP_READ);
            if (!connectPhase) {
                startSending(now);
            }
        }

        /** The first outcome of this connection's first connect: one fewer to wait for in the connect phase. */
        private void settled() {
            if (!settledOnce) {
                settledOnce = true;
                settledConnects++;
            }
        }

        void startSending(long now) {
            if (settings.openLoop()) {
                sendOwed(now);
            } else {
                // A new connection per request: what the user waits for starts with the connect.
                sendBatch(settings.reconnect() ? connectStartedNanos : now, now);
            }
        }

        /**
         * Closed loop: the batch was answered in the read being parsed. The next goes when the read is parsed whole,
         * not from inside it: sent at once, a server's second answer to the same request, later in the same read, was
         * credited to the next request (1.6 times as many responses as the server saw requests, at a p50 of 0.000 ms).
         */
        private boolean batchDue;

        /**
         * Closed loop: a request, or with a pipeline a batch of them, in one write; the next goes when all are
         * answered.
         */
        private void sendBatch(long origin, long now) {
            if (!running) {
                return;
            }
            for (int i = 0; i < settings.pipeline(); i++) {
                enqueue(origin, now);
            }
            flush(now);
        }

        private void read(long now) {
            batchDue = false;
            int n;
            try {
                n = io.read(readBuffer.clear());
            } catch (IOException e) {
                fail(ErrorKind.READ, now);
                return;
            }
            readNanos = now;
            if (n > 0 && now >= recordFromNanos) {
                bytesRead.setRelease(bytesRead.getPlain() + n);
            }
            try {
                if (n < 0) {
                    reader.endOfInput(this);
                    if (connected) {
                        serverClosed(now);
                    }
                    return;
                }
                reader.read(readBuffer.flip(), this);
                // TLS may hold whole records the selector cannot see: read them now.
                while (tls != null && connected && !closeAfterResponse && tls.hasBufferedInput()) {
                    int more = io.read(readBuffer.clear());
                    if (more < 0) { // the server's close_notify came behind its response
                        reader.endOfInput(this);
                        if (connected) {
                            serverClosed(now);
                        }
                        return;
                    }
                    if (more == 0) {
                        break;
                    }
                    reader.read(readBuffer.flip(), this);
                }
            } catch (IOException e) {
                fail(ErrorKind.READ, now);
                return;
            } catch (Workload.BadResponseException | RuntimeException e) {
                // Whatever a response does to the parser is this connection's bad response: the loop serves the others
                // on.
                if (badResponse == null) {
                    badResponse = e instanceof Workload.BadResponseException
                            ? e.getMessage()
                            : "the response broke the client's parser: " + e;
                }
                fail(ErrorKind.BAD_RESPONSE, now);
                return;
            }
            if (batchDue && !closeAfterResponse) {
                sendBatch(readNanos, readNanos);
            }
            if (closeAfterResponse) {
                serverClosed(now);
            }
        }

        /** The server closed, or said it would: requests still in flight are lost; connect again. */
        private void serverClosed(long now) {
            if (!originNanos.isEmpty()) {
                fail(ErrorKind.READ, now);
            } else {
                reset(now, 0);
            }
        }

        @Override
        public int inFlight() {
            return originNanos.size();
        }

        @Override
        public void completed(int status, boolean lastOnConnection) throws Workload.BadResponseException {
            if (originNanos.isEmpty()) {
                throw new Workload.BadResponseException("a response with no request in flight");
            }
            long origin = originNanos.poll();
            long sent = sentNanos.poll();
            answered.setRelease(answered.getPlain() + 1);
            boolean stallEnds = stalledSinceNanos != NOT_STALLED;
            if (!settings.openLoop() && (stallEnds || origin < recordFromNanos) && recordFromNanos != Long.MAX_VALUE
                    && readNanos > windowStartNanos()) {
                lateSince.add(stallEnds ? stalledSinceNanos : origin);
                lateUntil.add(readNanos);
            }
            stalledSinceNanos = NOT_STALLED;
            if (origin < recordFromNanos) {
                discarded.recordValue(Math.max(0, readNanos - origin));
            } else {
                recordedResponses++;
                recorder.recordValue(Math.max(0, readNanos - origin));
                if (settings.openLoop()) {
                    serviceTime.recordValue(Math.max(0, readNanos - sent));
                }
                requests.setRelease(requests.getPlain() + 1);
                if (status > 0 && status < statuses.length()) {
                    statuses.setRelease(status, statuses.getPlain(status) + 1);
                }
            }
            if (status >= 400) {
                countError(ErrorKind.BAD_RESPONSE, origin);
            }
            if (lastOnConnection || settings.reconnect()) {
                closeAfterResponse = true; // a new connection for the next request
                return;
            }
            if (settings.openLoop()) {
                // Owed slots were due before the load stopped: they are still sent while it drains.
                freeSinceNanos = readNanos;
                sendOwed(readNanos);
            } else if (originNanos.isEmpty()) {
                batchDue = true; // sent once the read is parsed whole: bytes after the last answer answer nothing yet
            }
        }

        /** Open loop: the slots owed go out together, as many as the pipeline has room for, in one write. */
        void sendOwed(long now) {
            boolean any = false;
            while (connected && !owed.isEmpty() && originNanos.size() < settings.pipeline()) {
                long intended = owed.poll();
                // Late past both its slot and its connection's readiness: that wait is the client's own.
                (intended >= recordFromNanos ? sendLag : discarded)
                        .recordValue(Math.max(0, now - Math.max(intended, freeSinceNanos)));
                enqueue(intended, now);
                any = true;
            }
            if (any) {
                flush(now);
            }
        }

        private void enqueue(long origin, long now) {
            latestOriginNanos = Math.max(latestOriginNanos, origin);
            if (origin >= recordFromNanos) {
                issued.setRelease(issued.getPlain() + 1);
            }
            originNanos.add(origin);
            sentNanos.add(now);
            unwrittenRequests++;
        }

        /**
         * Writes the requests not yet written, all in one write (they are copies of one request, so the batch buffer
         * holds any run of them); what the kernel does not take waits for OP_WRITE.
         */
        private void flush(long now) {
            try {
                if (unwrittenRequests > 0) {
                    int n = io.write(batchView.limit(unwrittenRequests * requestLength).position(writeOffset));
                    writes.setRelease(writes.getPlain() + 1);
                    int done = writeOffset + n;
                    unwrittenRequests -= done / requestLength;
                    writeOffset = done % requestLength;
                }
                if (tls != null && !tls.flush()) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
                key.interestOps(
                        unwrittenRequests > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
            } catch (IOException e) {
                fail(ErrorKind.WRITE, now);
            }
        }

        /**
         * The connection failed: an error for each request in flight, attributed to its send time as
         * its latency would have been; with none in flight (a connect, a reset while idle), one, to
         * now. None is sent again: the closed loop sends new ones on the new connection, the open loop
         * the slots still owed. Counting only the oldest lost the rest (a server resetting after 8
         * pipelined requests: 59,597 received, 7,450 accounted for). A request sent in the warm-up
         * that fails once recording has begun counts too, as an unanswered one does
         * ({@link #countUnfinished}): it waited into the measurement. Dropping it hid the pool's
         * starved connections whenever a trial outlasted the timeout (0 errors of 800 starved).
         */
        void fail(ErrorKind kind, long now) {
            if (kind == ErrorKind.CONNECT) {
                settled();
            }
            if (originNanos.isEmpty()) {
                countError(kind, now);
            }
            while (!originNanos.isEmpty()) {
                long origin = originNanos.poll();
                if (adoptedIntoMeasurement(origin, now)) {
                    origin = now;
                }
                if (origin >= recordFromNanos) {
                    failedRequests.setRelease(failedRequests.getPlain() + 1);
                }
                countError(kind, origin);
            }
            reset(now, kind == ErrorKind.CONNECT ? RECONNECT_DELAY_NANOS : 0);
        }

        /** Closes the connection and queues it to be made again; open-loop requests still owed stay owed. */
        private void reset(long now, long delayNanos) {
            if (connecting) {
                pendingConnects--;
            }
            closeChannel();
            connecting = false;
            connected = false;
            closeAfterResponse = false;
            originNanos.clear();
            sentNanos.clear();
            unwrittenRequests = 0;
            writeOffset = 0;
            reconnectAtNanos = now + delayNanos;
            if (running) {
                toConnect.add(this);
            }
        }

        /**
         * At the end of the run: what is still in flight is unanswered, what is still owed was never
         * sent. Counted whenever it was sent or due, the warm-up included: a request that has waited
         * through the whole measurement failed in it (the pool's connections beyond its threads).
         */
        void countUnfinished() {
            boolean measured = recordFromNanos != Long.MAX_VALUE; // nothing recorded, nothing counted
            long now = System.nanoTime();
            if (measured) {
                giveUp(now, true);
            }
            while (!originNanos.isEmpty()) {
                adoptedIntoMeasurement(originNanos.poll(), now);
                if (measured) {
                    count(ErrorKind.UNANSWERED);
                }
            }
            while (!owed.isEmpty()) {
                owed.poll();
                if (measured) {
                    count(ErrorKind.UNSENT);
                }
            }
        }

        /**
         * This connection's unanswered requests (and in the open loop, with {@code owedToo}, its slots never sent) are
         * given up at {@code now}: in the open loop each measured one is censored at once; in the closed loop the
         * connection was blocked since its oldest request (or its stall's first, {@link #stalledSinceNanos}) and is
         * recorded at the end ({@link #recordBlocked}).
         */
        void timedOut(long now) {
            if (settings.openLoop()) {
                giveUp(now, false);
            } else if (stalledSinceNanos == NOT_STALLED) {
                stalledSinceNanos = originNanos.peek();
            }
            fail(ErrorKind.TIMEOUT, now);
        }

        void giveUp(long now, boolean owedToo) {
            if (settings.openLoop()) {
                for (int i = 0; i < originNanos.size(); i++) {
                    if (originNanos.get(i) >= recordFromNanos) {
                        censor(now - originNanos.get(i));
                    }
                }
                for (int i = 0; owedToo && i < owed.size(); i++) {
                    if (owed.get(i) >= recordFromNanos) {
                        censor(now - owed.get(i));
                    }
                }
            } else if (stalledSinceNanos != NOT_STALLED || !originNanos.isEmpty()) {
                blockedSince.add(stalledSinceNanos != NOT_STALLED ? stalledSinceNanos : originNanos.peek());
                blockedUntil.add(now);
                stalledSinceNanos = NOT_STALLED;
            }
        }

        void closeChannel() {
            if (key != null) {
                key.cancel();
                key = null;
            }
            if (channel != null) {
                try {
                    io.close(); // over TLS, close_notify first
                } catch (IOException ignored) {
                    // nothing left to do with it
                }
                channel = null;
                io = null;
                tls = null;
            }
        }
    }
}
