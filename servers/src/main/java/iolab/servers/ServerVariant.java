package iolab.servers;

import iolab.servers.ServerSettings.NettyTransport;
import iolab.servers.reference.NettyServer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every server the lab runs, once: an I/O model and the settings that make it a variant (nio's
 * selector, Netty's transport). The experiment, its charts and the tests take the list, the
 * labels and the order from here, and the command line's flags for each.
 */
public enum ServerVariant {
    THREAD_PER_CONNECTION(Model.THREAD_PER_CONNECTION, null, null),
    POOL(Model.POOL, null, null),
    VIRTUAL(Model.VIRTUAL, null, null),
    /** The JDK's default selector: epoll on Linux. */
    NIO(Model.NIO, null, null),
    NIO_POLL(Model.NIO, "poll", null),
    NETTY_NIO(Model.NETTY, null, NettyTransport.NIO),
    NETTY_EPOLL(Model.NETTY, null, NettyTransport.EPOLL),
    NETTY_IOURING(Model.NETTY, null, NettyTransport.IO_URING),
    JDK(Model.JDK, null, null);

    private final Model model;
    private final String selector;
    private final NettyTransport transport;

    ServerVariant(Model model, String selector, NettyTransport transport) {
        this.model = model;
        this.selector = selector;
        this.transport = transport;
    }

    /** {@code nio-poll}, {@code netty-epoll}, {@code netty-iouring}: the model's name, and the variant's where it has one (no '_': ids use it). */
    public String label() {
        String variant = selector != null ? selector : transport != null ? transport.cliName().replace("_", "") : null;
        return variant == null ? model.cliName() : model.cliName() + "-" + variant;
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
        if (transport != null) {
            return NettyServer.unavailable(transport);
        }
        return selector == null ? Optional.empty() : SelectorProviders.unavailable(selector);
    }

    /** The servers jar's flags that start this variant. */
    public List<String> arguments() {
        List<String> args = new ArrayList<>(List.of("--model", model.cliName()));
        if (selector != null) {
            args.addAll(List.of("--selector", selector));
        }
        if (transport != null) {
            args.addAll(List.of("--transport", transport.cliName()));
        }
        return args;
    }

    public static ServerVariant named(String label) {
        return Arrays.stream(values()).filter(v -> v.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown server '" + label + "' (known: " + labels() + ")"));
    }

    public static String labels() {
        return Arrays.stream(values()).map(ServerVariant::label).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return label();
    }
}
