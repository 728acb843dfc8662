package iolab.plot;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code java -jar iolab-plot.jar RESULTS_DIR}: draws that folder's charts and report;
 * {@code java -jar iolab-plot.jar compare A B}: run B against run A.
 */
@Command(name = "iolab-plot",
        mixinStandardHelpOptions = true,
        version = "iolab-plot 0.1",
        description = "Draws a results folder's charts, tables and report.html.",
        subcommands = {Main.CompareCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(start(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line: 0 drawn, 1 could not draw, 2 usage. */
    public static int start(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            cl.getErr().println("iolab-plot: " + e);
            return 1;
        });
        return commandLine.execute(args);
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(
            index = "0",
            arity = "0..1",
            paramLabel = "RESULTS_DIR",
            description = "A run's folder, for example results/latest.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (dir == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "name a RESULTS_DIR to draw, or compare A B");
        }
        Plot.render(resultsFolder(spec, dir), console(spec));
        return 0;
    }

    static Path resultsFolder(CommandLine.Model.CommandSpec spec, Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "not a results folder: " + dir);
        }
        return dir;
    }

    static PrintStream console(CommandLine.Model.CommandSpec spec) {
        PrintWriter out = spec.commandLine().getOut();
        return new PrintStream(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                out.print(new String(bytes, offset, length, StandardCharsets.UTF_8));
                out.flush();
            }
        }, true, StandardCharsets.UTF_8);
    }

    @Command(name = "compare", mixinStandardHelpOptions = true,
            description = {"Run B against run A: per configuration in both, B/A with its interval and a verdict,",
                    "overlaid throughput and percentile charts, compare.csv and compare.html."})
    static final class CompareCommand implements Callable<Integer> {

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(
                index = "0",
                paramLabel = "A",
                description = "The run compared against, for example results/reference.")
        Path a;

        @Parameters(index = "1", paramLabel = "B", description = "The run compared, for example results/latest.")
        Path b;

        @Option(names = {"-o", "--out"}, paramLabel = "DIR",
                description = "Where to write (default: a folder compare-A-vs-B beside B, named by the runs' ids).")
        Path out;

        @Override
        public Integer call() throws Exception {
            ResultsFolder runA = ResultsFolder.read(resultsFolder(spec, a));
            ResultsFolder runB = ResultsFolder.read(resultsFolder(spec, b));
            Compare compare = Compare.of(runA, runB);
            if (compare.comparisons().isEmpty()) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "no configuration is in both " + a + " and " + b);
            }
            Path where = out != null
                    ? out
                    : b.toAbsolutePath().getParent().resolve("compare-" + runId(runA) + "-vs-" + runId(runB));
            compare.write(where, console(spec));
            return 0;
        }

        private static String runId(ResultsFolder run) {
            return run.environment() != null && run.environment().has("runId")
                    ? run.environment().get("runId").getAsString()
                    : run.dir().toAbsolutePath().normalize().getFileName().toString();
        }
    }
}
