package io.recommender.loadtest.generator;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultPromise;
import io.netty.util.concurrent.FastThreadLocalThread;
import io.netty.util.concurrent.Promise;
import io.recommender.loadtest.stats.RequestStats;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The {@link Engine#EVENT_LOOP} engine: all users are state machines ({@link EventLoopUser}) on one Netty I/O thread,
 * each with its own keep-alive connection and at most one request in flight, as wrk runs its connections. A request
 * is timed from just before it is written to the moment the last bytes of its answer are read, both on that thread,
 * so no thread hand-off or scheduling delay of the client's is added to the latency it records.
 */
final class EventLoopEngine implements LoadEngine {

    /** How often requests are checked for the request timeout; a timeout fires up to this much late. */
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private final LoadGenerator.Config config;
    private final RequestListener listener;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final NettyTarget target;
    private final List<EventLoopUser> users = new ArrayList<>();
    private final Promise<Void> allStopped;
    /** Users not yet stopped; touched on the I/O thread only. */
    private int running;

    EventLoopEngine(LoadGenerator.Config config, RequestListener listener) {
        this.config = config;
        this.listener = listener;
        this.group = new MultiThreadIoEventLoopGroup(1, runnable -> {
            Thread thread = new FastThreadLocalThread(runnable, "loadtest-io");
            thread.setDaemon(true);
            return thread;
        }, Epoll.isAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.loop = group.next();
        this.allStopped = new DefaultPromise<>(loop);
        this.target = new NettyTarget(config.target(), config.endpoint(), config.requestTimeout(), loop);
    }

    @Override
    public RequestStats run(LoadWindow window) {
        RequestStats stats = window.newStats();
        try {
            EvenRateLimiter pacer = config.rps() > 0 ? new EvenRateLimiter(config.rps()) : null;
            if (pacer != null) {
                pacer.start();
            }
            EventLoopUser.Load load = new EventLoopUser.Load(loop, target, window, pacer, config, stats, listener,
                this::userStopped);
            SplittableRandom seeds = new SplittableRandom(config.seed());
            loop.execute(() -> {
                for (int i = 0; i < config.users(); i++) {
                    users.add(new EventLoopUser(load, seeds.split()));
                }
                running = users.size();
                loop.scheduleAtFixedRate(this::sweep, SWEEP_NANOS, SWEEP_NANOS, TimeUnit.NANOSECONDS);
                users.forEach(EventLoopUser::next);
            });
            window.awaitUsers(new LoadWindow.Users() {
                @Override
                public boolean awaitStopped(long deadlineNanos) {
                    return allStopped.awaitUninterruptibly(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
                }

                @Override
                public void loadOver() {
                    // Nothing to release: a user's next turn is a timer, and past the end it stops instead.
                }

                @Override
                public void cutOff() {
                    String why = "cut off: no complete answer " + window.cutOffMillis() + " ms after the load ended";
                    loop.submit(() -> users.forEach(user -> user.cutOff(why)))
                        .awaitUninterruptibly(LoadGenerator.GRACE.toMillis());
                }
            });
        } finally {
            close();
        }
        // The I/O thread has ended: what it recorded is safe to read here.
        return stats;
    }

    /** Shuts the I/O thread down, closing every connection; idempotent. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(LoadGenerator.GRACE.toMillis());
    }

    private void userStopped() {
        if (--running == 0) {
            allStopped.trySuccess(null);
        }
    }

    /** Fails the requests that got no bytes for a request timeout (on the I/O thread). */
    private void sweep() {
        long now = System.nanoTime();
        for (EventLoopUser user : users) {
            user.checkTimeout(now);
        }
    }
}
