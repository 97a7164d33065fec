package io.recommender.loadtest.generator;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpResponse;
import io.recommender.loadtest.stats.CacheAnswer;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.recommender.loadtest.stats.RequestStats;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * One simulated user of the {@link EventLoopEngine}: connect when needed, send, read the answer, record it, wait for
 * its next turn. Lives on the I/O thread; it is the handler of one connection at a time, so it is marked sharable to
 * be added to the next connection's pipeline after the previous one closed.
 */
@ChannelHandler.Sharable
final class EventLoopUser extends ChannelInboundHandlerAdapter {

    /** A paced request due sooner than this is sent at once: a timer would cost more than the wait. */
    private static final long SEND_EARLY_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

    /**
     * What all users of one load share.
     *
     * @param pacer       spaces the users' requests, or null for as fast as they go
     * @param userStopped told, on the I/O thread, once per user when it stops
     */
    record Load(EventLoop loop, NettyTarget target, LoadWindow window, EvenRateLimiter pacer,
                LoadGenerator.Config config, RequestStats stats, RequestListener listener, Runnable userStopped) {
    }

    private enum State { IDLE, CONNECTING, AWAITING_ANSWER, STOPPED }

    private final Load load;
    private final SplittableRandom random;
    private final long waitNanos;
    private final long timeoutNanos;
    private State state = State.IDLE;
    private Channel channel;
    private long userId;
    private long sentAt;
    private long lastReadAt;
    private ScheduledFuture<?> turn;

    EventLoopUser(Load load, SplittableRandom random) {
        this.load = load;
        this.random = random;
        this.waitNanos = load.config().pause().toNanos();
        this.timeoutNanos = load.config().requestTimeout().toNanos();
    }

    /** Takes the next turn: now, after the wait, or at the pacer's next slot; or stops once the load is over. */
    void next() {
        long now = System.nanoTime();
        if (load.window().loadOver(now)) {
            stop();
            return;
        }
        long due = now + waitNanos;
        if (load.pacer() != null) {
            due = load.pacer().takeSlot(due);
        }
        if (due - load.window().end() >= 0) {
            stop();
        } else if (due - now > SEND_EARLY_NANOS) {
            turn = load.loop().schedule(this::send, due - now, TimeUnit.NANOSECONDS);
        } else {
            send();
        }
    }

    private void send() {
        turn = null;
        if (state == State.STOPPED) {
            return;
        }
        if (load.window().loadOver(System.nanoTime())) {
            stop();
            return;
        }
        userId = load.config().mix().next(random);
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
        ChannelFuture connecting = load.target().connect(this, this::bytesRead);
        channel = connecting.channel();
        connecting.addListener(done -> {
            if (state != State.CONNECTING || channel != connecting.channel()) {
                return;
            }
            if (done.isSuccess()) {
                write();
            } else {
                finish(NettyTarget.describe(done.cause()), false);
            }
        });
    }

    private void write() {
        state = State.AWAITING_ANSWER;
        lastReadAt = sentAt;
        Channel writingTo = channel;
        writingTo.writeAndFlush(load.target().request(userId)).addListener(written -> {
            if (!written.isSuccess() && channel == writingTo && state == State.AWAITING_ANSWER) {
                finish(NettyTarget.describe(written.cause()), false);
            }
        });
    }

    private void bytesRead() {
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
            String error = load.config().endpoint().judge(answer.status().code(),
                ByteBufUtil.getBytes(answer.content()));
            finishAt(now, error, HttpUtil.isKeepAlive(answer),
                CacheAnswer.fromHeader(answer.headers().get(CacheAnswer.HEADER)));
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ctx.channel() == channel && state == State.AWAITING_ANSWER) {
            finish(NettyTarget.describe(cause), false);
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

    /** Fails the request in flight if it got no bytes for a request timeout. */
    void checkTimeout(long now) {
        if (state == State.AWAITING_ANSWER && now - lastReadAt >= timeoutNanos) {
            finish("timeout: no answer within " + load.config().requestTimeout().toMillis() + " ms", false);
        }
    }

    /** Fails the request in flight, if any, for this reason, and stops. */
    void cutOff(String why) {
        if (state == State.AWAITING_ANSWER || state == State.CONNECTING) {
            finish(why, false);
        }
        stop();
    }

    private void finish(String error, boolean keepConnection) {
        finishAt(System.nanoTime(), error, keepConnection, CacheAnswer.UNKNOWN);
    }

    private void finishAt(long now, String error, boolean keepConnection) {
        finishAt(now, error, keepConnection, CacheAnswer.UNKNOWN);
    }

    /** Records the request that ended at {@code now}, with its error or null, and takes the next turn. */
    private void finishAt(long now, String error, boolean keepConnection, CacheAnswer cache) {
        long elapsed = now - sentAt;
        state = State.IDLE;
        if (!keepConnection && channel != null) {
            channel.close();
            channel = null;
        }
        if (load.window().measures(sentAt)) {
            load.stats().record(sentAt, elapsed, error, cache);
            load.listener().onRequest(userId, sentAt, elapsed, error);
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
        load.userStopped().run();
    }
}
