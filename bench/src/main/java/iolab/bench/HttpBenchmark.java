package iolab.bench;

import org.openjdk.jmh.annotations.Param;

/** HTTP/1.1 on every server, the JDK's own HttpServer included. */
public class HttpBenchmark extends ServerBenchmark {

    @Param({"thread-per-connection", "pool", "virtual", "nio", "nio-poll", "netty-nio", "netty-epoll", "jdk"})
    public String server;

    @Param({"plaintext", "delay-10ms", "file-1m"})
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
