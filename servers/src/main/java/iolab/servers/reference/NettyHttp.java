package iolab.servers.reference;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.AsciiString;
import iolab.servers.http.HttpDate;
import iolab.servers.http.HttpRoutes;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The lab's HTTP routes ({@link HttpRoutes}: plaintext, json, echo, delay) in Netty's own idiom: its HTTP codec,
 * an aggregator bounded by {@code --max-body}, and keep-alive as in Netty's hello-world
 * example. {@code /delay} is a timer on the connection's event loop, as a Netty user would
 * write it: nothing blocks, so unlike {@code nio}'s worker pool it has no ceiling of its own.
 */
public final class NettyHttp extends SimpleChannelInboundHandler<FullHttpRequest> {

    /** Responses in request order: a delayed one holds back those pipelined behind it (RFC 9112, 9.3.2). */
    private final java.util.ArrayDeque<Slot> inOrder = new java.util.ArrayDeque<>();

    private static final class Slot {
        FullHttpResponse response;
        boolean keepAlive;
    }

    public static void configure(ChannelPipeline pipeline, long maxBodyBytes) {
        pipeline.addLast(new HttpServerCodec(), new HttpServerExpectContinueHandler(), new BodilessRequests(),
                new HttpObjectAggregator((int) Math.min(Integer.MAX_VALUE, maxBodyBytes)), new NettyHttp());
    }

    /**
     * A request without a body (the decoder's head, then its empty last content) becomes one full request here, so
     * that the aggregator, which builds a composite buffer and a trailer for every request, sees only those with a
     * body; any other message passes through as it came.
     */
    private static final class BodilessRequests extends ChannelInboundHandlerAdapter {
        private HttpRequest held;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (held != null) {
                HttpRequest head = held;
                held = null;
                if (message instanceof LastHttpContent last
                        && last.decoderResult().isSuccess() && !last.content().isReadable()
                        && last.trailingHeaders().isEmpty()) {
                    last.release();
                    ctx.fireChannelRead(new DefaultFullHttpRequest(head.protocolVersion(),
                            head.method(), head.uri(), Unpooled.EMPTY_BUFFER, head.headers(),
                            EmptyHttpHeaders.INSTANCE));
                    return;
                }
                ctx.fireChannelRead(head);
            }
            if (message instanceof HttpRequest head && !(message instanceof FullHttpRequest)
                    && head.decoderResult().isSuccess() && !HttpUtil.isTransferEncodingChunked(head)
                    && HttpUtil.getContentLength(head, 0L) == 0) {
                held = head;
                return;
            }
            ctx.fireChannelRead(message);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            send(ctx, request, refused(new HttpRoutes.Route.Refused(400, null, null)), false);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String target = request.uri();
        if (target.regionMatches(true, 0, "http://", 0, 7) || target.regionMatches(true, 0, "https://", 0, 8)) {
            target = java.net.URI.create(target).getRawPath(); // absolute-form
        }
        HttpRoutes.Route route;
        if (target.indexOf('?') < 0 && target.indexOf('%') < 0) {
            route = HttpRoutes.route(request.method().name(), target, name -> null); // nothing to decode
        } else {
            QueryStringDecoder uri = new QueryStringDecoder(target);
            route = HttpRoutes.route(request.method().name(), uri.path(), name -> {
                List<String> values = uri.parameters().get(name);
                return values == null ? null : values.getFirst();
            });
        }
        switch (route) {
            case HttpRoutes.Route.Fixed fixed ->
                send(ctx, request, FIXED.computeIfAbsent(fixed, FixedResponse::new).response(), keepAlive);
            case HttpRoutes.Route.Echo echo -> {
                String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
                byte[] body = new byte[request.content().readableBytes()];
                request.content().readBytes(body);
                send(ctx, request, response(HttpResponseStatus.OK, type, body), keepAlive);
            }
            case HttpRoutes.Route.Delay delay -> {
                Slot slot = reserve();
                boolean head = request.method().equals(HttpMethod.HEAD);
                ctx.executor()
                        .schedule(
                                () -> {
                                    fill(
                                            ctx,
                                            slot,
                                            withoutBodyIf(
                                                    head, response(HttpResponseStatus.OK, "text/plain", delay.body())),
                                            keepAlive);
                                    ctx.flush();
                                },
                                delay.millis(),
                                TimeUnit.MILLISECONDS);
            }
            case HttpRoutes.Route.Files files -> send(ctx, request, refused(HttpRoutes.noFiles()), keepAlive);
            case HttpRoutes.Route.Refused refused -> send(ctx, request, refused(refused), keepAlive);
        }
    }

    private static FullHttpResponse refused(HttpRoutes.Route.Refused refused) {
        FullHttpResponse response =
                response(HttpResponseStatus.valueOf(refused.status()), HttpRoutes.ERROR_TYPE, refused.body());
        if (refused.allow() != null) {
            response.headers().set(HttpHeaderNames.ALLOW, refused.allow());
        }
        return response;
    }

    static FullHttpResponse response(HttpResponseStatus status, String type, byte[] body) {
        FullHttpResponse response =
                new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, type)
                .set(HttpHeaderNames.SERVER, "iolab-netty")
                .set(HttpHeaderNames.DATE, HttpDate.now())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return response;
    }

    /**
     * A fixed route's response as Netty's best users write it (TechEmpower's Netty entry): its headers built once a
     * second from constants and not validated again, shared by every response of that second, and its body one
     * read-only direct buffer that each response takes a view of.
     */
    private static final class FixedResponse {
        private static final AsciiString SERVER = AsciiString.cached("iolab-netty");

        private final AsciiString contentType;
        private final AsciiString contentLength;
        private final ByteBuf body;
        /** The headers of the second whose {@code Date} they carry. */
        private volatile Headers current = new Headers("", EmptyHttpHeaders.INSTANCE);

        private record Headers(String date, HttpHeaders headers) {
        }

        FixedResponse(HttpRoutes.Route.Fixed route) {
            contentType = AsciiString.cached(route.contentType());
            contentLength = AsciiString.cached(Integer.toString(route.body().length));
            body = Unpooled.unreleasableBuffer(
                    Unpooled.directBuffer(route.body().length).writeBytes(route.body()).asReadOnly());
        }

        FullHttpResponse response() {
            String date = HttpDate.now(); // the same String all second long
            Headers headers = current;
            if (headers.date() != date) {
                headers = new Headers(date, DefaultHttpHeadersFactory.headersFactory().withValidation(false)
                        .newHeaders()
                        .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                        .set(HttpHeaderNames.SERVER, SERVER)
                        .set(HttpHeaderNames.DATE, new AsciiString(date))
                        .set(HttpHeaderNames.CONTENT_LENGTH, contentLength));
                current = headers;
            }
            return new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body.duplicate(),
                    headers.headers(), EmptyHttpHeaders.INSTANCE);
        }
    }

    private static final Map<HttpRoutes.Route.Fixed, FixedResponse> FIXED = new ConcurrentHashMap<>();

    /** {@code response} with one more header: on a copy of its headers, which may be shared. */
    private static FullHttpResponse with(FullHttpResponse response, AsciiString name, AsciiString value) {
        FullHttpResponse copy = response.replace(response.content());
        copy.headers().set(name, value);
        return copy;
    }

    private void send(
            ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response, boolean keepAlive) {
        if (keepAlive && !request.protocolVersion().isKeepAliveDefault()) {
            response = with(response, HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        fill(ctx, reserve(), withoutBodyIf(request.method().equals(HttpMethod.HEAD), response), keepAlive);
    }

    private Slot reserve() {
        Slot slot = new Slot();
        inOrder.add(slot);
        return slot;
    }

    /** Completes a slot, then writes every leading completed response. */
    private void fill(ChannelHandlerContext ctx, Slot slot, FullHttpResponse response, boolean keepAlive) {
        slot.response = response;
        slot.keepAlive = keepAlive;
        while (!inOrder.isEmpty() && inOrder.peek().response != null) {
            Slot next = inOrder.poll();
            if (next.keepAlive) {
                ctx.write(next.response); // flushed once per read, in channelReadComplete
            } else {
                ctx.writeAndFlush(with(next.response, HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE))
                        .addListener(ChannelFutureListener.CLOSE);
                inOrder.forEach(dropped -> { if (dropped.response != null) dropped.response.release(); });
                inOrder.clear();
            }
        }
    }

    private static FullHttpResponse withoutBodyIf(boolean head, FullHttpResponse response) {
        if (!head) {
            return response;
        }
        ByteBuf body = response.content();
        FullHttpResponse headers = response.replace(Unpooled.EMPTY_BUFFER);
        body.release();
        return headers;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
        if (!ctx.channel().isWritable()) {
            ctx.channel().config().setAutoRead(false); // until the peer reads what is queued
        }
    }

    /**
     * Back-pressure, as Netty users write it: past the channel's high-water mark of queued output
     * we stop reading, and read again once it has drained below the low-water mark, so a client
     * that pipelines and never reads cannot make the server queue responses without bound.
     */
    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable());
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * The client half-closed (the channel allows half-closure for echo's sake), or sent TLS's close_notify (SslHandler
     * only reports it): it will send no more, so finish what is queued, then close.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof io.netty.channel.socket.ChannelInputShutdownEvent
                || (event instanceof io.netty.handler.ssl.SslCloseCompletionEvent closed && closed.isSuccess())) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            super.userEventTriggered(ctx, event);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
