package iolab.servers.cli;

import iolab.servers.Model;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** {@code java -jar iolab-servers.jar PROTOCOL --model MODEL ...}: serve one protocol on one I/O model. */
@Command(name = "iolab-servers",
        mixinStandardHelpOptions = true,
        version = "iolab-servers 0.1",
        description = "Serves a protocol on one I/O model, until SIGTERM or Ctrl-C.",
        subcommands = {EchoCommand.class, HttpCommand.class, VariantsCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(start(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line and returns its exit status: 0 served and stopped, 1 could not serve, 2 usage. */
    public static int start(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine.execute(args);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(), "name a protocol: echo or http (or variants, to list the servers)");
    }
}
