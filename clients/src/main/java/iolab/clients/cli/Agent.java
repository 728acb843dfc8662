package iolab.clients.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * {@code iolab-client} kept running on a load host across the trials of a run: each line on its standard input is one
 * command line of the client (its words separated by tabs), run in this JVM, and ended by a line
 * {@value #DONE}{@code STATUS} on its standard output. One JVM for every trial keeps the client's code compiled and
 * warm, as the experiment's client is on one machine; a new JVM per trial measures its own interpreter for a second.
 * End of input ends it.
 */
public final class Agent {

    /** What ends each command's output, followed by its status. */
    public static final String DONE = "iolab-agent done ";

    private Agent() {
    }

    public static void main(String[] args) throws IOException {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        out.println(DONE + "0"); // ready: the JVM is up
        for (String line; (line = in.readLine()) != null; ) {
            int status;
            try {
                status = Main.start(line.split("\t"), out, err);
            } catch (RuntimeException e) {
                err.println("iolab-agent: " + e);
                status = 1;
            }
            err.flush();
            out.println(DONE + status);
        }
    }
}
