package iolab.bench;

import org.openjdk.jmh.annotations.Param;

/** The echo protocol on every server that speaks it. */
public class EchoBenchmark extends ServerBenchmark {

    @Param({"thread-per-connection", "pool", "virtual", "nio", "nio-poll", "netty-nio", "netty-epoll"})
    public String server;

    @Param({"echo-64", "echo-16k"})
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
