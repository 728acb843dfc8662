package iolab.servers.cli;

import iolab.servers.ServerVariant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code variants}: the servers the lab runs ({@link ServerVariant}), one line each, for scripts, so that no script
 * keeps a list of its own: {@code LABEL<TAB>PROTOCOLS<TAB>KIND<TAB>FLAGS}, then, where this machine cannot run it,
 * {@code <TAB>unavailable: REASON}.
 */
@Command(
        name = "variants",
        mixinStandardHelpOptions = true,
        description = {
            "Prints every server the lab runs, one line each: label, protocols (echo,http), kind (lab: the four models"
                    + " under study; reference: Netty and the JDK's server), the flags that start it, and why it is "
                    + "unavailable here, if it is."
        })
final class VariantsCommand implements Runnable {

    @Option(names = "--protocol", description = "Only the servers of this protocol: echo or http.")
    String protocol;

    @Option(names = "--available", description = "Only the servers this machine can run.")
    boolean available;

    @Option(names = "--kind", description = "Only the lab's models (lab) or the references (reference).")
    String kind;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        if (protocol != null && !List.of("echo", "http").contains(protocol)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--protocol: expected echo or http, not '" + protocol + "'");
        }
        if (kind != null && !List.of("lab", "reference").contains(kind)) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--kind: expected lab or reference, not '" + kind + "'");
        }
        for (ServerVariant variant : ServerVariant.values()) {
            List<String> protocols = new ArrayList<>();
            if (variant.servesEcho()) {
                protocols.add("echo");
            }
            protocols.add(variant.httpsOnly() ? "https" : "http");
            String variantKind = variant.model().servesFiles() ? "lab" : "reference";
            String unavailable = variant.unavailable().orElse(null);
            if ((protocol != null && !protocols.contains(protocol)) || (kind != null && !kind.equals(variantKind))
                    || (available && unavailable != null)) {
                continue;
            }
            spec.commandLine()
                    .getOut()
                    .println(String.join(
                                    "\t",
                                    variant.label(),
                                    String.join(",", protocols),
                                    variantKind,
                                    String.join(" ", variant.arguments(false)))
                            + (unavailable == null ? "" : "\tunavailable: " + unavailable.replace('\n', ' ')));
        }
        spec.commandLine().getOut().flush();
    }
}
