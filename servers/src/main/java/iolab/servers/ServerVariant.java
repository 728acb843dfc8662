package iolab.servers;

import iolab.servers.ServerSettings.NettyTransport;
import iolab.servers.reference.NettyServer;
import iolab.servers.tls.Tls;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every server the lab runs, once: an I/O model and the settings that make it a variant (nio's
 * selector, Netty's transport, Netty's TLS on BoringSSL). The experiment, its charts and the tests
 * take the list, the labels and the order from here, and the command line's flags for each.
 */
public enum ServerVariant {
    THREAD_PER_CONNECTION(Model.THREAD_PER_CONNECTION, null, null, null),
    POOL(Model.POOL, null, null, null),
    VIRTUAL(Model.VIRTUAL, null, null, null),
    /** The JDK's default selector: epoll on Linux. */
    NIO(Model.NIO, null, null, null),
    NIO_POLL(Model.NIO, "poll", null, null),
    NETTY_NIO(Model.NETTY, null, NettyTransport.NIO, null),
    NETTY_EPOLL(Model.NETTY, null, NettyTransport.EPOLL, null),
    NETTY_IOURING(Model.NETTY, null, NettyTransport.IO_URING, null),
    /**
     * Netty epoll with its TLS on BoringSSL (netty-tcnative) rather than the JDK's: HTTPS only. Beside
     * {@link #NETTY_EPOLL} on the same HTTPS workload, what the JDK's implementation of TLS costs.
     */
    NETTY_EPOLL_BORINGSSL(Model.NETTY, null, NettyTransport.EPOLL, Tls.Provider.OPENSSL),
    JDK(Model.JDK, null, null, null);

    private final Model model;
    private final String selector;
    private final NettyTransport transport;
    private final Tls.Provider tlsProvider;

    ServerVariant(Model model, String selector, NettyTransport transport, Tls.Provider tlsProvider) {
        this.model = model;
        this.selector = selector;
        this.transport = transport;
        this.tlsProvider = tlsProvider;
    }

    /**
     * {@code nio-poll}, {@code netty-epoll}, {@code netty-iouring}, {@code netty-epoll-boringssl}: the model's name,
     * and the variant's where it has one (no '_': ids use it).
     */
    public String label() {
        String variant = selector != null ? selector : transport != null ? transport.cliName().replace("_", "") : null;
        String label = variant == null ? model.cliName() : model.cliName() + "-" + variant;
        return tlsProvider == Tls.Provider.OPENSSL ? label + "-boringssl" : label;
    }

    /** A variant of TLS itself: it serves HTTPS only, and its plain twin is the variant without it. */
    public boolean httpsOnly() {
        return tlsProvider != null;
    }

    /**
     * The same server on the JDK's TLS, or in plain HTTP: {@link #NETTY_EPOLL} for {@link #NETTY_EPOLL_BORINGSSL};
     * itself otherwise.
     */
    public ServerVariant plainTwin() {
        return this == NETTY_EPOLL_BORINGSSL ? NETTY_EPOLL : this;
    }

    /** Whether it serves the echo protocol: the JDK's HTTP server does not, nor a variant of TLS (echo has none). */
    public boolean servesEcho() {
        return model.servesEcho() && !httpsOnly();
    }

    /** The TLS this variant is a variant of, or null: it then takes the server's default. */
    public Tls.Provider tlsProvider() {
        return tlsProvider;
    }

    public Model model() {
        return model;
    }

    /** {@code settings} made this variant. */
    public ServerSettings configure(ServerSettings settings) {
        ServerSettings s = selector == null ? settings : settings.withSelector(selector);
        return transport == null ? s : s.withTransport(transport);
    }

    /**
     * Why this machine cannot run this variant, or empty: Netty's epoll transport needs its native
     * library (built for linux-x86_64), nio's selectors the JDK's providers for this OS.
     */
    public Optional<String> unavailable() {
        if (tlsProvider != null && Tls.unavailable(tlsProvider).isPresent()) {
            return Tls.unavailable(tlsProvider);
        }
        if (transport != null) {
            return NettyServer.unavailable(transport);
        }
        return selector == null ? Optional.empty() : SelectorProviders.unavailable(selector);
    }

    /**
     * The servers jar's flags that start this variant: {@code --model} and its label, the experiment's word for it,
     * with {@code --tls} if {@code tls} (always, for a variant of TLS).
     */
    public List<String> arguments(boolean tls) {
        List<String> args = new ArrayList<>(List.of("--model", label()));
        if (tls || httpsOnly()) {
            args.add("--tls");
        }
        return args;
    }

    public static ServerVariant named(String label) {
        return Arrays.stream(values())
                .filter(v -> v.label().equals(label))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("unknown server '" + label + "' (known: " + labels() + ")"));
    }

    public static String labels() {
        return Arrays.stream(values()).map(ServerVariant::label).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return label();
    }
}
