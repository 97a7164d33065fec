package io.recommender.loadtest.generator;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

/**
 * The service under test as the {@link EventLoopEngine} talks to it: keep-alive HTTP/1.1 connections on one event
 * loop, and the requests to send over them.
 */
final class NettyTarget {

    /** An answer larger than this fails (the recommender's are a few hundred bytes to a few KiB). */
    static final int MAX_ANSWER_BYTES = 1 << 20;

    private final Endpoint endpoint;
    private final Bootstrap bootstrap;
    private final String pathPrefix;
    private final String hostHeader;

    NettyTarget(URI target, Endpoint endpoint, Duration connectTimeout, EventLoop loop) {
        this.endpoint = endpoint;
        int port = target.getPort() > 0 ? target.getPort() : 80;
        this.hostHeader = target.getPort() > 0 ? target.getHost() + ":" + port : target.getHost();
        String path = target.getRawPath() == null ? "" : target.getRawPath();
        this.pathPrefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.bootstrap = new Bootstrap()
            .group(loop)
            .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                connectTimeout.toMillis()))
            // Resolved once: a load must not wait on name lookups, and a Service's address does not change.
            .remoteAddress(new InetSocketAddress(target.getHost(), port));
    }

    /**
     * Opens a connection whose answers (aggregated, up to {@link #MAX_ANSWER_BYTES}) go to {@code handler}, and
     * which tells {@code bytesRead} of every read of raw bytes, for the timeout between bytes of an answer.
     */
    ChannelFuture connect(ChannelHandler handler, Runnable bytesRead) {
        return bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                    .addLast(new ReadClock(bytesRead))
                    .addLast(new HttpClientCodec())
                    .addLast(new HttpObjectAggregator(MAX_ANSWER_BYTES))
                    .addLast(handler);
            }
        }).connect();
    }

    FullHttpRequest request(long userId) {
        byte[] body = endpoint.body(userId);
        ByteBuf content = body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
            HttpMethod.valueOf(endpoint.method()), pathPrefix + endpoint.path(userId), content);
        request.headers()
            .set(HttpHeaderNames.HOST, hostHeader)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        if (body != null) {
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        return request;
    }

    /** As {@link TargetClient#describe}, so that equal failures count together whichever engine saw them. */
    static String describe(Throwable failure) {
        if (failure instanceof IOException io && TargetClient.isUnreachable(io)) {
            return "connection failed: " + failure.getMessage();
        }
        if (failure instanceof TooLongFrameException) {
            return "answer larger than " + MAX_ANSWER_BYTES + " bytes";
        }
        if (failure instanceof IOException) {
            return failure.getClass().getSimpleName() + ": " + failure.getMessage();
        }
        return "client error: " + failure;
    }

    /** First in each pipeline: notes every read of raw bytes. */
    private static final class ReadClock extends ChannelInboundHandlerAdapter {

        private final Runnable bytesRead;

        ReadClock(Runnable bytesRead) {
            this.bytesRead = bytesRead;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            bytesRead.run();
            ctx.fireChannelRead(msg);
        }
    }
}
