package io.recommender.training.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Downloads one file over HTTP(S) with the JDK's client: a connect timeout, a timeout for the response
 * headers, a stall timeout while the body streams (a large file has no useful total deadline), bounded
 * retries with exponential backoff on 5xx, 429 and connection failures, and an immediate, clear error on other
 * statuses. Errors and logs name the URL through {@link #display(URI)}, never with user-info or query.
 */
public final class HttpDownloader {
    private final HttpClient client;
    private final int attempts;
    private final Duration firstBackoff;
    private final Duration responseTimeout;
    private final Duration stallTimeout;

    /**
     * @param attempts tries per file, at least 1
     * @param firstBackoff wait before the second try; doubled before each further one
     * @param responseTimeout longest wait for the status line and headers
     * @param stallTimeout longest wait for the next bytes of the body
     */
    public HttpDownloader(HttpClient client, int attempts, Duration firstBackoff, Duration responseTimeout,
            Duration stallTimeout) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1");
        }
        this.client = client;
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
        this.responseTimeout = responseTimeout;
        this.stallTimeout = stallTimeout;
    }

    /** 4 tries 2, 4 and 8 s apart; 10 s to connect, 30 s for headers, 60 s without data. */
    public static HttpDownloader standard() {
        return new HttpDownloader(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL).build(), 4, Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofSeconds(60));
    }

    /** The URL as errors and logs show it: no user-info, and a query (a pre-signed URL's signature) elided. */
    public static String display(URI uri) {
        StringBuilder s = new StringBuilder().append(uri.getScheme()).append("://").append(uri.getHost());
        if (uri.getPort() >= 0) {
            s.append(':').append(uri.getPort());
        }
        s.append(uri.getRawPath() == null ? "" : uri.getRawPath());
        if (uri.getRawQuery() != null) {
            s.append("?...");
        }
        return s.toString();
    }

    /** Writes the body of a 200 answer to {@code file}, which is replaced on each try. */
    public void download(URI uri, Path file, long maxBytes) throws IOException {
        String where = display(uri);
        String lastFailure = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                sleep(firstBackoff.multipliedBy(1L << (attempt - 2)));
            }
            try {
                once(uri, file, maxBytes, where);
                return;
            } catch (Transient e) {
                lastFailure = e.getMessage();
            }
        }
        throw new DatasetException(where + ": " + lastFailure + (attempts > 1 ? " (" + attempts + " tries)" : ""));
    }

    private void once(URI uri, Path file, long maxBytes, String where) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(responseTimeout).GET().build();
        AtomicReference<FileBody> body = new AtomicReference<>();
        CompletableFuture<HttpResponse<Long>> exchange = client.sendAsync(request, info -> {
            FileBody b = new FileBody(info, file, maxBytes, where);
            body.set(b);
            return b;
        });
        HttpResponse<Long> response;
        try {
            response = await(exchange, body);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c && c.getCause() != null ? c.getCause()
                    : e.getCause();
            if (cause instanceof DatasetException d) {
                throw new DatasetException(d.getMessage(), d);
            }
            if (cause instanceof Transient t) {
                throw t;
            }
            if (cause instanceof HttpTimeoutException) {
                throw new Transient("no answer within " + seconds(responseTimeout));
            }
            if (cause instanceof ConnectException) {
                throw new Transient("cannot connect (" + detail(cause) + ")");
            }
            FileBody b = body.get();
            throw new Transient((cause instanceof IOException io ? reason(io) : String.valueOf(cause))
                    + (b == null ? "" : " after " + b.total + " bytes"));
        }
        int status = response.statusCode();
        if (status == 200) {
            return;
        }
        String answer = "HTTP " + status;
        if (status >= 500 || status == 429) {
            throw new Transient(answer);
        }
        throw new DatasetException(where + ": " + switch (status) {
            case 404, 410 -> "not found (" + answer + ")";
            case 401, 403 -> "access denied (" + answer + ")";
            default -> "unexpected answer " + answer;
        });
    }

    /**
     * Waits for the exchange, giving it up when the body has not moved for the stall timeout (the timeout
     * before the headers is the request's own).
     */
    private HttpResponse<Long> await(CompletableFuture<HttpResponse<Long>> exchange, AtomicReference<FileBody> body)
            throws ExecutionException, InterruptedIOException {
        long poll = Math.max(10, stallTimeout.toMillis() / 4);
        try {
            while (true) {
                try {
                    return exchange.get(poll, TimeUnit.MILLISECONDS);
                } catch (TimeoutException notYet) {
                    FileBody b = body.get();
                    if (b != null && System.nanoTime() - b.lastProgress > stallTimeout.toNanos()) {
                        b.abort(new Transient("no data for " + seconds(stallTimeout) + " after " + b.total + " bytes"));
                    }
                }
            }
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while downloading");
        }
    }

    /**
     * Writes a 200 answer's body to the file, counting bytes against the limit; any other answer's body is
     * not read. Stops the exchange (cancelling the subscription) on the first problem.
     */
    private static final class FileBody implements HttpResponse.BodySubscriber<Long> {
        private final CompletableFuture<Long> result = new CompletableFuture<>();
        private final HttpResponse.ResponseInfo info;
        private final Path file;
        private final long maxBytes;
        private final String where;
        private volatile Flow.Subscription subscription;
        private FileChannel out;
        volatile long total;
        volatile long lastProgress = System.nanoTime();

        FileBody(HttpResponse.ResponseInfo info, Path file, long maxBytes, String where) {
            this.info = info;
            this.file = file;
            this.maxBytes = maxBytes;
            this.where = where;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            if (info.statusCode() != 200) {
                s.cancel();
                result.complete(-1L);
                return;
            }
            OptionalLong length = info.headers().firstValueAsLong("Content-Length");
            if (length.isPresent() && length.getAsLong() > maxBytes) {
                abort(new DatasetException(where + ": " + length.getAsLong() + " bytes, more than the limit of "
                        + maxBytes));
                return;
            }
            try {
                out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException e) {
                abort(new DatasetException(where + ": cannot write " + file + ": " + reason(e), e));
                return;
            }
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (result.isDone()) {
                return;
            }
            try {
                for (ByteBuffer b : buffers) {
                    total += b.remaining();
                    if (total > maxBytes) {
                        abort(new DatasetException(where + ": more than the limit of " + maxBytes + " bytes"));
                        return;
                    }
                    while (b.hasRemaining()) {
                        out.write(b);
                    }
                }
            } catch (IOException e) {
                abort(new DatasetException(where + ": cannot write " + file + ": " + reason(e), e));
                return;
            }
            lastProgress = System.nanoTime();
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            closeFile();
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            closeFile();
            result.complete(total);
        }

        @Override
        public CompletionStage<Long> getBody() {
            return result;
        }

        void abort(IOException why) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            closeFile();
            result.completeExceptionally(why);
        }

        private synchronized void closeFile() {
            if (out != null) {
                try {
                    out.close();
                } catch (IOException ignored) {
                    // The download failed already, or its end is reported by onComplete.
                }
                out = null;
            }
        }
    }

    /**
     * The JDK's connect failures often carry no message, only a cause: an unresolvable host, or (a refused
     * connection) a closed channel.
     */
    private static String detail(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof java.nio.channels.UnresolvedAddressException || c instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
            if (c.getMessage() != null && !c.getMessage().isBlank()) {
                return c.getMessage();
            }
        }
        return "refused or unreachable";
    }

    private static String reason(IOException e) {
        return e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    private static void sleep(Duration d) throws InterruptedIOException {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted between download tries");
        }
    }

    /** A failure another try may not meet: 5xx, 429, connection and stream errors, timeouts. */
    private static final class Transient extends IOException {
        Transient(String message) {
            super(message);
        }
    }
}
