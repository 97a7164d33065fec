package io.recommender.tfserving.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * TensorFlow Serving's REST API for one {@link ServedModel} on Netty: TCP_NODELAY and keep-alive on every
 * connection, HTTP parsing on the event loop, and predicts on a pool of {@code threads} workers so that a
 * running model never holds up the sockets. The caller keeps ownership of the model.
 *
 * <p>Why not the JDK's HttpServer (its first form): it sends a response's headers and body in separate writes
 * without TCP_NODELAY, so Nagle's algorithm and the client's delayed ACK cost about 40 ms per keep-alive
 * request; measured at ~370 answers/s with half its core idle, it capped what a TwoPod gate could show.
 */
public final class StandInServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup io;
    private final ExecutorService workers;
    private final Channel listener;
    private final AtomicReference<Faults> faults;
    private final AtomicInteger failNext;
    private final Batcher batcher;

    private StandInServer(EventLoopGroup boss, EventLoopGroup io, ExecutorService workers, Channel listener,
            AtomicReference<Faults> faults, AtomicInteger failNext, Batcher batcher) {
        this.boss = boss;
        this.io = io;
        this.workers = workers;
        this.listener = listener;
        this.faults = faults;
        this.failNext = failNext;
        this.batcher = batcher;
    }

    /** Starts serving on {@code address} (port 0 picks a free port) with {@code threads} request threads. */
    public static StandInServer start(InetSocketAddress address, ServedModel model, int threads, Faults faults)
            throws IOException {
        return start(address, model, threads, faults, 0);
    }

    /**
     * As {@link #start(InetSocketAddress, ServedModel, int, Faults)}, with request batching of up to
     * {@code maxBatchRows} rows per model run (TensorFlow Serving's {@code --enable_batching}); 0: no batching.
     */
    public static StandInServer start(InetSocketAddress address, ServedModel model, int threads, Faults faults,
            int maxBatchRows) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("request threads must be >= 1, got " + threads);
        }
        AtomicReference<Faults> faultRef = new AtomicReference<>(faults);
        AtomicInteger failNext = new AtomicInteger();
        Batcher batcher = maxBatchRows > 0 ? new Batcher(model.runner(), maxBatchRows) : null;
        RestApi api = new RestApi(model, faultRef, failNext, batcher);
        ExecutorService workers = Executors.newFixedThreadPool(threads, daemon("standin-rest"));
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, daemon("standin-accept"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        // One I/O thread per core at most: parsing and writing are cheap next to a predict.
        EventLoopGroup io = new MultiThreadIoEventLoopGroup(Math.min(threads, Runtime.getRuntime().availableProcessors()),
                daemon("standin-io"), epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        try {
            Channel listener = new ServerBootstrap()
                    .group(boss, io)
                    .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 128)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childOption(ChannelOption.SO_KEEPALIVE, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new BodyLimit(), new Exchange(api, workers));
                        }
                    })
                    .bind(address).sync().channel();
            return new StandInServer(boss, io, workers, listener, faultRef, failNext, batcher);
        } catch (Exception e) {
            if (batcher != null) {
                batcher.close();
            }
            boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            io.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            workers.shutdownNow();
            throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
        }
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** {@code http://127.0.0.1:port}, what a client on this machine calls. */
    public URI localUri() {
        return URI.create("http://127.0.0.1:" + port());
    }

    public void setFaults(Faults faults) {
        this.faults.set(faults);
    }

    /** The next {@code n} predicts fail with the configured failure status, whatever the failure rate. */
    public void failNext(int n) {
        failNext.set(n);
    }

    /** Model runs and rows computed by the batcher since start; {0, 0} without batching. */
    long[] batchCounts() {
        return batcher == null ? new long[] {0, 0} : new long[] {batcher.batches(), batcher.rows()};
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        if (batcher != null) {
            batcher.close();
        }
        workers.shutdownNow();
        boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        io.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
    }

    /** Whole bodies up to the API's limit; a larger one gets TensorFlow Serving's JSON error, not Netty's empty 413. */
    private static final class BodyLimit extends HttpObjectAggregator {
        BodyLimit() {
            super(RestApi.MAX_BODY_BYTES);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            FullHttpResponse response = response(RestApi.tooLarge());
            // The rest of the body is still on its way: the connection cannot be reused.
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * One connection's requests: each runs on a worker, and answers leave in the order the requests came
     * (HTTP/1.1 pipelining), each written once the one before it was.
     */
    private static final class Exchange extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final RestApi api;
        private final ExecutorService workers;
        private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

        Exchange(RestApi api, ExecutorService workers) {
            this.api = api;
            this.workers = workers;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request) && request.decoderResult().isSuccess();
            CompletableFuture<RestApi.Answer> answer;
            if (request.decoderResult().isFailure()) {
                answer = CompletableFuture.completedFuture(new RestApi.Answer(400,
                        "{\"error\":\"Malformed request: not an HTTP/1.1 request\"}".getBytes(UTF_8)));
            } else {
                String method = request.method().name();
                String uri = request.uri();
                byte[] body = ByteBufUtil.getBytes(request.content());
                try {
                    answer = CompletableFuture.supplyAsync(() -> api.handle(method, rawPath(uri), body), workers);
                } catch (RejectedExecutionException e) {
                    answer = CompletableFuture.completedFuture(new RestApi.Answer(503,
                            "{\"error\":\"the server is shutting down\"}".getBytes(UTF_8)));
                }
            }
            CompletableFuture<RestApi.Answer> mine = answer;
            previous = previous.thenCompose(done -> mine).thenCompose(a -> {
                FullHttpResponse response = response(a);
                CompletableFuture<Void> written = new CompletableFuture<>();
                if (keepAlive) {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                } else {
                    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                }
                ctx.writeAndFlush(response).addListener(f -> {
                    if (!keepAlive || !f.isSuccess()) {
                        ctx.close();
                    }
                    written.complete(null);
                });
                return written;
            }).exceptionally(failure -> {
                ctx.close(); // only an Error gets here: the connection's order of answers is lost
                return null;
            });
        }

        private static String rawPath(String uri) {
            try {
                String path = URI.create(uri).getRawPath();
                return path == null ? uri : path;
            } catch (IllegalArgumentException e) {
                return uri; // no route matches it: the API's 404 names it
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A peer that resets its connection is routine under load; nothing to answer on a broken socket.
            ctx.close();
        }
    }

    private static FullHttpResponse response(RestApi.Answer answer) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()), Unpooled.wrappedBuffer(answer.json()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.json().length);
        return response;
    }
}
