package iolab.servers.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;

/** Echo (RFC 862 over a stream): every byte received is sent back, in order, unchanged. */
public final class EchoProtocol implements Protocol {

    private static final Codec ECHO = new Codec() {
        @Override
        public void received(ByteBuffer input, Outbound out) throws IOException {
            out.send(input);
        }
    };

    @Override
    public String name() {
        return "echo";
    }

    /** Echo keeps no state between reads, so one codec serves every connection. */
    @Override
    public Codec newCodec() {
        return ECHO;
    }
}
