package iolab.servers.cli;

import iolab.servers.ServerSettings;
import iolab.servers.Servers;
import iolab.servers.reference.NettyEcho;
import iolab.servers.protocol.EchoProtocol;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "echo",
        mixinStandardHelpOptions = true,
        description = "Echo: every byte received is sent back.")
final class EchoCommand implements Callable<Integer> {

    @Mixin
    ServerOptions options;

    @Override
    public Integer call() {
        ServerSettings settings = options.settings(false);
        return Serve.untilSignalled(Servers.create(settings, new EchoProtocol(), NettyEcho::configure), "echo", settings,
                options.out(), options.err());
    }
}
