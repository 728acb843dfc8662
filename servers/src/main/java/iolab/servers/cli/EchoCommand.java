package iolab.servers.cli;

import iolab.servers.ServerSettings;
import iolab.servers.Servers;
import iolab.servers.datagram.DatagramServers;
import iolab.servers.reference.NettyEcho;
import iolab.servers.protocol.EchoProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "echo",
        mixinStandardHelpOptions = true,
        description = {"Echo: every byte received is sent back.",
                "With --udp, every datagram received is sent back whole to its sender (pool, virtual, nio, netty)."})
final class EchoCommand implements Callable<Integer> {

    @Mixin
    ServerOptions options;

    @Option(names = "--udp", description = "Echo datagrams over UDP instead of a TCP byte stream.")
    boolean udp;

    @Override
    public Integer call() {
        if (udp) {
            ServerSettings settings = options.datagramSettings();
            return Serve.untilSignalled(
                    DatagramServers.create(settings), "udp echo", settings, options.out(), options.err());
        }
        ServerSettings settings = options.settings(false);
        return Serve.untilSignalled(
                Servers.create(settings, new EchoProtocol(), NettyEcho::configure),
                "echo",
                settings,
                options.out(),
                options.err());
    }
}
