package iolab.servers;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The I/O models under study, plus the reference servers: Netty, and for HTTP the JDK's own. */
public enum Model {
    THREAD_PER_CONNECTION("thread-per-connection"),
    POOL("pool"),
    VIRTUAL("virtual"),
    NIO("nio"),
    NETTY("netty"),
    /** The JDK's com.sun.net.httpserver, for HTTP only. */
    JDK("jdk");

    private final String cliName;

    Model(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public boolean isBlocking() {
        return this == THREAD_PER_CONNECTION || this == POOL || this == VIRTUAL;
    }

    /** Whether it runs event loops, whose number {@code --loops} sets. */
    public boolean hasEventLoops() {
        return this == NIO || this == NETTY;
    }

    /** The JDK's server speaks HTTP only. */
    public boolean servesEcho() {
        return this != JDK;
    }

    /**
     * The lab's four models serve {@code /files}; the references do not (see
     * {@link iolab.servers.http.HttpRoutes#noFiles()}).
     */
    public boolean servesFiles() {
        return this != NETTY && this != JDK;
    }

    public static Model fromName(String name) {
        for (Model model : values()) {
            if (model.cliName.equals(name)) {
                return model;
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "' (expected one of " + names() + ")");
    }

    public static String names() {
        return Arrays.stream(values()).map(Model::cliName).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
