package iolab.servers;

import java.io.EOFException;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.Random;
import java.util.function.BooleanSupplier;

/** Blocking test clients, and waiting for the server's side of things to settle. */
final class Clients {

    private Clients() {
    }

    /** A connected blocking channel to a running server (its real, bound address). */
    static SocketChannel connect(SocketAddress address) throws IOException {
        return connect(address, 0);
    }

    /** With {@code receiveBufferBytes} > 0, sets SO_RCVBUF before connecting, as TCP needs it for its window. */
    static SocketChannel connect(SocketAddress address, int receiveBufferBytes) throws IOException {
        ProtocolFamily family = address instanceof UnixDomainSocketAddress ? StandardProtocolFamily.UNIX
                : ((InetSocketAddress) address).getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6
                : StandardProtocolFamily.INET;
        SocketChannel channel = SocketChannel.open(family);
        try {
            if (receiveBufferBytes > 0) {
                channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, receiveBufferBytes);
            }
            channel.connect(address);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    /** This process's open file descriptors; the servers under test run in it. */
    static long openFileDescriptors() {
        try (java.util.stream.Stream<java.nio.file.Path> fds =
                java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static void writeFully(SocketChannel channel, byte[] bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    static byte[] readExactly(SocketChannel channel, int size) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(size);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("closed after " + buffer.position() + " of " + size + " bytes");
            }
        }
        return buffer.array();
    }

    /** Reads until the server closes; returns everything read. */
    static byte[] readToEnd(SocketChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        byte[] all = new byte[0];
        int length = 0;
        while (channel.read(buffer.clear()) >= 0) {
            if (length + buffer.position() > all.length) {
                all = Arrays.copyOf(all, Math.max(2 * all.length, length + buffer.position()));
            }
            buffer.flip();
            buffer.get(all, length, buffer.remaining());
            length = length + buffer.limit();
        }
        return Arrays.copyOf(all, length);
    }

    static byte[] roundTrip(SocketChannel channel, byte[] message) throws IOException {
        writeFully(channel, message);
        return readExactly(channel, message.length);
    }

    /**
     * Waits for a condition that the server reaches on its own threads (a closed connection
     * released, a thread ended), checking often; fails with {@code what} after {@code timeoutMillis}.
     */
    static void await(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            Thread.sleep(5);
        }
    }
}
