package iolab.bench;

import iolab.servers.ServerVariant;
import org.openjdk.jmh.annotations.Param;

/**
 * The echo protocol. Run by hand it measures one server and one workload unless {@code -p server=...}
 * and {@code -p workload=...} name others: {@link ServerVariant} and {@link Workload} list them,
 * and the experiment passes every configuration it plans.
 */
public class EchoBenchmark extends ServerBenchmark {

    @Param("nio")
    public String server;

    @Param("echo-64")
    public String workload;

    @Override
    protected String server() {
        return server;
    }

    @Override
    protected String workload() {
        return workload;
    }
}
