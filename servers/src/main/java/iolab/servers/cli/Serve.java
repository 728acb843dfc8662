package iolab.servers.cli;

import iolab.servers.Endpoints;
import iolab.servers.Server;
import iolab.servers.ServerSettings;
import iolab.servers.datagram.DatagramServer;
import sun.misc.Signal;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.util.concurrent.CountDownLatch;

/** The life of a server started from the command line: bind, announce, serve until signalled, stop. */
final class Serve {

    private Serve() {
    }

    /**
     * Prints exactly one line once the server accepts ({@code ... listening on ADDRESS}); scripts and the benchmark
     * wait for it. SIGTERM and SIGINT stop the server gracefully and the process exits 0: we take those signals over
     * from the JVM, whose own handler would exit 143 or 130.
     */
    static int untilSignalled(
            Server server, String protocol, ServerSettings settings, PrintWriter out, PrintWriter err) {
        return untilSignalled(server, protocol, settings, out, err, null);
    }

    /** @param afterReady a line printed after the ready line (the TLS certificate's fingerprint), or null */
    static int untilSignalled(
            Server server,
            String protocol,
            ServerSettings settings,
            PrintWriter out,
            PrintWriter err,
            String afterReady) {
        CountDownLatch signalled = new CountDownLatch(1);
        Signal.handle(new Signal("TERM"), signal -> signalled.countDown());
        Signal.handle(new Signal("INT"), signal -> signalled.countDown());
        String where = Endpoints.describe(settings.endpoint());
        try {
            where = Endpoints.describe(server.start());
        } catch (BindException e) {
            err.println("iolab-servers: cannot listen on " + where + ": " + reason(e));
            server.close();
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("iolab-servers: cannot listen on " + where + ": " + e.getMessage());
            server.close();
            return 1;
        }
        out.println("iolab-servers " + protocol + " (" + server + ") listening on " + where);
        if (afterReady != null) {
            out.println(afterReady);
        }
        out.flush();
        awaitUninterruptibly(signalled);
        int forced = server.stop(settings.grace());
        err.println(
                server instanceof DatagramServer udp
                        ? "iolab-servers: stopped; datagrams echoed " + udp.echoed()
                        : "iolab-servers: stopped; connections " + server.connections()
                                + ", closed at the end of the grace period " + forced);
        return 0;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException ignored) {
                // Only a signal ends serving.
            }
        }
    }

    private static String reason(BindException e) {
        String message = String.valueOf(e.getMessage());
        return message.toLowerCase().contains("already in use")
                ? "address already in use (another server is listening there)"
                : message;
    }
}
