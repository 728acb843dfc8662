package iolab.servers.cli;

import iolab.servers.Model;
import iolab.servers.ServerSettings;
import iolab.servers.ServerVariant;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The servers' command line names a server with the experiment's word for it (-Dservers=), and the old forms work. */
class ServerNamesTest {

    private final StringWriter err = new StringWriter();

    @Test
    void everyVariantsLabelStartsThatVariant() {
        for (ServerVariant variant : ServerVariant.values()) {
            List<String> args = new ArrayList<>(variant.arguments(false));
            assertEquals(List.of("--model", variant.label()), args.subList(0, 2), "the experiment's word, as is");
            ServerOptions options = parse(args);
            assertEquals(variant, options.variant(), variant.label());
            ServerSettings settings = options.settings(true);
            ServerSettings expected =
                    variant.configure(ServerSettings.defaults(variant.model(), new InetSocketAddress(0)));
            assertEquals(variant.model(), settings.model(), variant.label());
            if (variant.model() == Model.NIO) {
                assertEquals(expected.nio().selector(), settings.nio().selector(), variant.label());
            }
            if (variant.model() == Model.NETTY) {
                assertEquals(expected.netty().transport(), settings.netty().transport(), variant.label());
            }
        }
    }

    @Test
    void theOldSpellingsStillWorkWithANote() {
        ServerSettings netty = parse(List.of("--model", "netty", "--transport", "epoll")).settings(true);
        assertEquals(ServerSettings.NettyTransport.EPOLL, netty.netty().transport());
        ServerSettings pool = parse(List.of("--model", "pool", "--threads", "7")).settings(true);
        assertEquals(7, pool.pool().threads());
        assertTrue(err.toString().contains("--threads is now --pool-size"), err.toString());
        assertEquals(9, parse(List.of("--model", "pool", "--pool-size", "9")).settings(true).pool().threads());
    }

    @Test
    void bareNettyRunsTheYardsticksTransportAndSaysWhich() {
        ServerSettings settings = parse(List.of("--model", "netty")).settings(true);
        if (ServerVariant.NETTY_EPOLL.unavailable().isEmpty()) {
            assertEquals(ServerSettings.NettyTransport.EPOLL, settings.netty().transport());
            assertTrue(err.toString().contains("Netty's epoll transport (the lab's yardstick"), err.toString());
        } else {
            assertEquals(ServerSettings.NettyTransport.NIO, settings.netty().transport());
            assertTrue(err.toString().contains("epoll is unavailable here"), err.toString());
        }
    }

    @Test
    void eachProtocolHasItsOwnDefaultPort() {
        assertEquals(8080, ((InetSocketAddress) parse(List.of("--model", "nio")).settings(true).endpoint()).getPort());
        assertEquals(
                ServerOptions.ECHO_PORT,
                ((InetSocketAddress) parse(List.of("--model", "nio")).settings(false).endpoint()).getPort());
    }

    private ServerOptions parse(List<String> args) {
        HttpCommand command = new HttpCommand();
        CommandLine line = new CommandLine(command);
        line.setErr(new PrintWriter(err, true));
        line.parseArgs(args.toArray(String[]::new));
        return command.options;
    }
}
