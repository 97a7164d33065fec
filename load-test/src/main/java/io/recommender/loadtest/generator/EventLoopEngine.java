package io.recommender.loadtest.generator;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.recommender.loadtest.stats.RequestStats;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Engine#EVENT_LOOP} engine: all users are state machines on one Netty I/O thread, each with its own
 * keep-alive connection and at most one request in flight, as wrk runs its connections. A request is timed from just
 * before it is written to the moment the last bytes of its answer are read, both on that thread, so no thread
 * hand-off or scheduling delay of the client's is added to the latency it records.
 *
 * <p>Pacing, warm-up, the request timeout (to connect, and between bytes of an answer) and the cut-off of requests
 * still busy after the load are as in the {@link Engine#LOCUST4J} engine; see {@link LoadGenerator}.
 */
final class EventLoopEngine {

    private static final Logger LOG = LoggerFactory.getLogger(EventLoopEngine.class);
    /** An answer larger than this fails (the recommender's are a few hundred bytes to a few KiB). */
    static final int MAX_ANSWER_BYTES = 1 << 20;
    /** How often requests are checked for the request timeout; a timeout fires up to this much late. */
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** A paced request due sooner than this is sent at once: a timer would cost more than the wait. */
    private static final long SEND_EARLY_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final long POLL_MILLIS = 100;

    private final LoadGenerator.Config config;
    private final RequestListener listener;
    private final BooleanSupplier stopRequested;
    private final EvenRateLimiter pacer;
    private final long measureFrom;
    private final long end;
    private final long waitNanos;
    private final long timeoutNanos;
    private final RequestStats stats;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final String pathPrefix;
    private final String hostHeader;
    private final List<User> users = new ArrayList<>();
    private final Promise<Void> allStopped;
    /** Users not yet stopped; touched on the I/O thread only. */
    private int running;

    private EventLoopEngine(LoadGenerator.Config config, RequestListener listener, BooleanSupplier stopRequested,
                            int timelineSeconds) {
        this.config = config;
        this.listener = listener;
        this.stopRequested = stopRequested;
        this.pacer = config.rps() > 0 ? new EvenRateLimiter(config.rps()) : null;
        long start = System.nanoTime();
        this.measureFrom = start + config.warmup().toNanos();
        this.end = measureFrom + config.duration().toNanos();
        this.waitNanos = config.pause().toNanos();
        this.timeoutNanos = config.requestTimeout().toNanos();
        this.stats = new RequestStats(measureFrom, timelineSeconds);
        this.group = new MultiThreadIoEventLoopGroup(1, runnable -> {
            Thread thread = new FastThreadLocalThread(runnable, "loadtest-io");
            thread.setDaemon(true);
            return thread;
        }, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.loop = group.next();
        this.allStopped = new DefaultPromise<>(loop);
        URI target = config.target();
        int port = target.getPort() > 0 ? target.getPort() : 80;
        this.hostHeader = target.getPort() > 0 ? target.getHost() + ":" + port : target.getHost();
        String path = target.getRawPath() == null ? "" : target.getRawPath();
        this.pathPrefix = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        this.bootstrap = new Bootstrap()
            .group(loop)
            .channel(Epoll.isAvailable() ? EpollSocketChannel.class : NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                config.requestTimeout().toMillis()))
            // Resolved once: a load must not wait on name lookups, and a Service's address does not change.
            .remoteAddress(new InetSocketAddress(target.getHost(), port));
    }

    static LoadGenerator.Result load(LoadGenerator.Config config, RequestListener listener,
                                     BooleanSupplier stopRequested, int timelineSeconds) {
        return new EventLoopEngine(config, listener, stopRequested, timelineSeconds).run();
    }

    private LoadGenerator.Result run() {
        Instant startedAt = Instant.now().plus(config.warmup());
        try {
            if (pacer != null) {
                pacer.start();
            }
            SplittableRandom seeds = new SplittableRandom(config.seed());
            loop.execute(() -> {
                for (int i = 0; i < config.users(); i++) {
                    users.add(new User(seeds.split()));
                }
                running = users.size();
                loop.scheduleAtFixedRate(this::sweep, SWEEP_NANOS, SWEEP_NANOS, TimeUnit.NANOSECONDS);
                users.forEach(User::next);
            });
            awaitUsers();
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS)
                .awaitUninterruptibly(LoadGenerator.GRACE.toMillis());
        }
        double elapsedSeconds = Math.max(0, System.nanoTime() - measureFrom) / 1e9;
        // The I/O thread has ended: what it recorded is safe to read here.
        return new LoadGenerator.Result(stats, startedAt, elapsedSeconds, null);
    }

    /**
     * Waits for the users to stop; those still busy a request timeout plus {@link LoadGenerator#GRACE} after the
     * load ended (at the end of the duration, or when a stop was first seen) are cut off.
     */
    private void awaitUsers() {
        long cutOffNanos = config.cutOffAfterLoad().toNanos();
        long loadEnd = end;
        while (!allStopped.awaitUninterruptibly(POLL_MILLIS)) {
            long now = System.nanoTime();
            if (loadEnd == end && now < end && stopRequested.getAsBoolean()) {
                loadEnd = now;
            }
            if (now - (loadEnd + cutOffNanos) >= 0) {
                LOG.warn("users still busy {} ms after the end of the load; closing their connections",
                    TimeUnit.NANOSECONDS.toMillis(now - loadEnd));
                String why = "cut off: no complete answer " + cutOffNanos / 1_000_000 + " ms after the load ended";
                loop.submit(() -> users.forEach(user -> user.cutOff(why)))
                    .awaitUninterruptibly(LoadGenerator.GRACE.toMillis());
                return;
            }
        }
    }

    /** Fails the requests that got no bytes for a request timeout (on the I/O thread). */
    private void sweep() {
        long now = System.nanoTime();
        for (User user : users) {
            user.checkTimeout(now);
        }
    }

    private boolean loadOver(long now) {
        return now - end >= 0 || stopRequested.getAsBoolean();
    }

    private FullHttpRequest request(long userId) {
        Endpoint endpoint = config.endpoint();
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
    private String describe(Throwable failure) {
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

    private enum State { IDLE, CONNECTING, AWAITING_ANSWER, STOPPED }

    /**
     * One simulated user: connect when needed, send, read the answer, record it, wait for its next turn. Lives on the
     * I/O thread; it is the handler of one connection at a time, so it is marked sharable to be added to the next
     * connection's pipeline after the previous one closed.
     */
    @ChannelHandler.Sharable
    private final class User extends ChannelInboundHandlerAdapter {

        private final SplittableRandom random;
        private State state = State.IDLE;
        private Channel channel;
        private long userId;
        private long sentAt;
        private long lastReadAt;
        private ScheduledFuture<?> turn;

        User(SplittableRandom random) {
            this.random = random;
        }

        /** Takes the next turn: now, after the wait, or at the pacer's next slot; or stops once the load is over. */
        void next() {
            long now = System.nanoTime();
            if (loadOver(now)) {
                stop();
                return;
            }
            long due = now + waitNanos;
            if (pacer != null) {
                due = pacer.takeSlot(due);
            }
            if (due - end >= 0) {
                stop();
            } else if (due - now > SEND_EARLY_NANOS) {
                turn = loop.schedule(this::send, due - now, TimeUnit.NANOSECONDS);
            } else {
                send();
            }
        }

        private void send() {
            turn = null;
            if (state == State.STOPPED) {
                return;
            }
            if (loadOver(System.nanoTime())) {
                stop();
                return;
            }
            userId = config.mix().next(random);
            sentAt = System.nanoTime();
            if (channel != null && channel.isActive()) {
                write();
                return;
            }
            state = State.CONNECTING;
            Channel previous = channel;
            if (previous != null) {
                previous.close();
            }
            ChannelFuture connecting = bootstrap.clone().handler(new ChannelInitializer<SocketChannel>() {
                @Override
                protected void initChannel(SocketChannel ch) {
                    ch.pipeline()
                        .addLast(new ReadClock(User.this))
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(MAX_ANSWER_BYTES))
                        .addLast(User.this);
                }
            }).connect();
            channel = connecting.channel();
            connecting.addListener(done -> {
                if (state != State.CONNECTING || channel != connecting.channel()) {
                    return;
                }
                if (done.isSuccess()) {
                    write();
                } else {
                    finish(describe(done.cause()), false);
                }
            });
        }

        private void write() {
            state = State.AWAITING_ANSWER;
            lastReadAt = sentAt;
            Channel writingTo = channel;
            writingTo.writeAndFlush(request(userId)).addListener(written -> {
                if (!written.isSuccess() && channel == writingTo && state == State.AWAITING_ANSWER) {
                    finish(describe(written.cause()), false);
                }
            });
        }

        void bytesRead() {
            lastReadAt = System.nanoTime();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            long now = System.nanoTime();
            try {
                if (ctx.channel() != channel || state != State.AWAITING_ANSWER
                    || !(msg instanceof FullHttpResponse answer)) {
                    return;
                }
                if (answer.decoderResult().isFailure()) {
                    finishAt(now, "malformed answer: " + answer.decoderResult().cause().getMessage(), false);
                    return;
                }
                String error = config.endpoint().judge(answer.status().code(), ByteBufUtil.getBytes(answer.content()));
                finishAt(now, error, HttpUtil.isKeepAlive(answer));
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (ctx.channel() == channel && state == State.AWAITING_ANSWER) {
                finish(describe(cause), false);
            } else {
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (ctx.channel() == channel && state == State.AWAITING_ANSWER) {
                finish("connection closed before the answer was complete", false);
            }
        }

        void checkTimeout(long now) {
            if (state == State.AWAITING_ANSWER && now - lastReadAt >= timeoutNanos) {
                finish("timeout: no answer within " + config.requestTimeout().toMillis() + " ms", false);
            }
        }

        void cutOff(String why) {
            if (state == State.AWAITING_ANSWER || state == State.CONNECTING) {
                finish(why, false);
            }
            stop();
        }

        private void finish(String error, boolean keepConnection) {
            finishAt(System.nanoTime(), error, keepConnection);
        }

        /** Records the request that ended at {@code now}, with its error or null, and takes the next turn. */
        private void finishAt(long now, String error, boolean keepConnection) {
            long elapsed = now - sentAt;
            state = State.IDLE;
            if (!keepConnection && channel != null) {
                channel.close();
                channel = null;
            }
            if (sentAt - measureFrom >= 0) {
                stats.record(sentAt, elapsed, error);
                listener.onRequest(userId, sentAt, elapsed, error);
            }
            next();
        }

        private void stop() {
            if (state == State.STOPPED) {
                return;
            }
            state = State.STOPPED;
            if (turn != null) {
                turn.cancel(false);
                turn = null;
            }
            if (channel != null) {
                channel.close();
                channel = null;
            }
            if (--running == 0) {
                allStopped.trySuccess(null);
            }
        }
    }

    /** First in each pipeline: notes every read of raw bytes, for the timeout between bytes of an answer. */
    private static final class ReadClock extends ChannelInboundHandlerAdapter {

        private final User user;

        ReadClock(User user) {
            this.user = user;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            user.bytesRead();
            ctx.fireChannelRead(msg);
        }
    }
}
