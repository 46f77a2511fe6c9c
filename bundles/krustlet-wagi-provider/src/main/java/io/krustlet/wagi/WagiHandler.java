package io.krustlet.wagi;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.wagi.cgi.CgiEnvironment;
import io.krustlet.wagi.cgi.CgiRequest;
import io.krustlet.wagi.cgi.CgiResponse;
import io.krustlet.wasm.CompiledModule;
import io.krustlet.wasm.WasiInstance;
import io.krustlet.wasm.http.HttpPolicy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one container's requests: each request that matches the route gets a fresh instance of
 * the module from the compiled-module cache, run on the request's thread with the CGI
 * environment, the query as arguments and the body on stdin; its stdout is the response.
 *
 * <p>Statuses of the server's own: 400 for a path with dot-segments, 404 outside the route, 413
 * for a body past the limit, 503 with {@code Retry-After} at the concurrency limit (and, with
 * {@code Connection: close}, while the container stops), 500 when the handler traps or exits
 * non-zero before its header block is complete, 502 for output that is not a CGI response or
 * is past the size limit, 504 past the timeout. Each request leaves one access-log line on the
 * container's stdout; the handler's stderr goes to the container's stderr a line at a time.
 */
final class WagiHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(WagiHandler.class);
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final ContainerSpec spec;
    private final ContainerSettings settings;
    private final CompiledModule module;
    private final HttpPolicy http;
    private final OutputStream stdout;
    private final OutputStream stderr;
    private final ScheduledExecutorService timer;
    private final Clock clock;
    private final int retryAfterSeconds;
    private final Semaphore permits;
    private final RequestMetrics metrics = new RequestMetrics();
    private final Set<Exchange> exchanges = ConcurrentHashMap.newKeySet();
    private final boolean cpuTime = CPU.isCurrentThreadCpuTimeSupported();
    private volatile boolean stopping;
    private final Object idle = new Object();

    /**
     * @param http the outbound HTTP each request's instance may make (wasi_experimental_http)
     * @param stdout the container's stdout (access log), shared by every request
     * @param stderr the container's stderr, shared by every request
     */
    WagiHandler(ContainerSpec spec, ContainerSettings settings, CompiledModule module, HttpPolicy http,
            OutputStream stdout, OutputStream stderr, ScheduledExecutorService timer, Clock clock, int retryAfterSeconds) {
        super(InvocationType.BLOCKING);
        this.spec = spec;
        this.settings = settings;
        this.module = module;
        this.http = http;
        this.stdout = stdout;
        this.stderr = stderr;
        this.timer = timer;
        this.clock = clock;
        this.retryAfterSeconds = retryAfterSeconds;
        this.permits = new Semaphore(settings.maxConcurrency());
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        long started = System.nanoTime();
        long cpuStarted = cpuTime ? CPU.getCurrentThreadCpuTime() : 0;
        var note = new StringBuffer(); // the watchdog may add to it too
        Callback done = new Completion(request, response, callback, started, note, metrics, stdout, this::requestDone);
        try {
            serve(request, response, done, note);
        } catch (RuntimeException | Error e) {
            LOG.warn("Request {} {} to {} failed", request.getMethod(), request.getHttpURI().getPath(), spec.id(), e);
            done.failed(e);
        } finally {
            if (cpuTime) {
                metrics.cpu(CPU.getCurrentThreadCpuTime() - cpuStarted);
            }
        }
        return true;
    }

    private void serve(Request request, Response response, Callback done, StringBuffer note) {
        String rawPath = request.getHttpURI().getPath();
        if (stopping) {
            note.append("container stopping");
            reply(response, done, 503, "503 Service Unavailable: the container is stopping\n", true);
            return;
        }
        if (rawPath == null || !rawPath.startsWith("/") || hasDotSegment(rawPath)) {
            note.append("bad path");
            reply(response, done, 400, "400 Bad Request: the path must be absolute, without . or .. segments\n", false);
            return;
        }
        if (!settings.route().matches(rawPath)) {
            reply(response, done, 404, "404 Not Found: this handler serves " + settings.route().text() + "\n", false);
            return;
        }
        if (!permits.tryAcquire()) {
            note.append("concurrency limit ").append(settings.maxConcurrency());
            response.getHeaders().put(HttpHeader.RETRY_AFTER, retryAfterSeconds);
            reply(response, done, 503, "503 Service Unavailable: the handler is answering " + settings.maxConcurrency()
                    + " requests already; retry later\n", false);
            return;
        }
        try {
            byte[] body = readBody(request, response, done, note);
            if (body != null) {
                run(request, response, done, body, note);
            }
        } finally {
            permits.release();
        }
    }

    /** The request body, or null after answering 413 (or 400 for a body that could not be read). */
    private byte[] readBody(Request request, Response response, Callback done, StringBuffer note) {
        long limit = settings.maxRequestBodyBytes();
        long declared = request.getLength();
        if (declared > limit) {
            note.append("body of ").append(declared).append(" bytes");
            reply(response, done, 413, "413 Content Too Large: the body may have at most " + limit + " bytes\n", true);
            return null;
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
            if (body.length > limit) {
                note.append("body past ").append(limit).append(" bytes");
                reply(response, done, 413, "413 Content Too Large: the body may have at most " + limit + " bytes\n",
                        true);
                return null;
            }
            return body;
        } catch (IOException e) {
            note.append("body unreadable: ").append(e.getMessage());
            reply(response, done, 400, "400 Bad Request: the body could not be read\n", true);
            return null;
        }
    }

    private void run(Request request, Response response, Callback done, byte[] body, StringBuffer note) {
        CgiRequest cgi = cgiRequest(request, body.length);
        var exchange = new Exchange(response, done, note);
        var out = new ResponseOutput(settings.maxResponseBytes(), head -> {
            if (!exchange.claimForStreaming()) {
                throw new IOException("the request was answered already (it timed out or the container stopped)");
            }
            head(response, head);
            return new java.io.BufferedOutputStream(Content.Sink.asOutputStream(response), ResponseOutput.STREAM_THRESHOLD);
        });
        var err = new LineOutput(stderr);
        exchanges.add(exchange);
        ScheduledFuture<?> watchdog = timer.schedule(() -> exchange.timeout(settings.timeout(), timer),
                settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
        ContainerExit exit;
        try {
            var config = new WasiInstance.Config(spec.module().image(), CgiEnvironment.argv(cgi),
                    CgiEnvironment.build(settings.route(), cgi, spec.env()), spec.mounts(), spec.limits().memoryBytes(),
                    new ByteArrayInputStream(body), new FailingStream(out, exchange), err, http);
            WasiInstance instance;
            try {
                instance = WasiInstance.prepare(module, config, clock);
            } catch (ContainerStartException e) {
                note.append("instantiation failed: ").append(e.getMessage());
                if (exchange.claim()) {
                    reply(response, done, 500, "500 Internal Server Error: the handler could not be instantiated\n", false);
                }
                return;
            }
            exit = exchange.run(instance);
        } finally {
            watchdog.cancel(false);
            exchanges.remove(exchange);
            closeQuietly(err);
        }
        answer(response, done, exchange, out, exit, note);
    }

    /** After the module ended: the response it wrote, or what went wrong. */
    private void answer(Response response, Callback done, Exchange exchange, ResponseOutput out, ContainerExit exit,
            StringBuffer note) {
        if (exchange.timedOut() || exchange.killed()) { // the note says so already
            if (exchange.committed()) {
                done.failed(new IOException(note.toString()));
            }
            return;
        }
        if (out.failure() != null) { // the module was stopped for it: its exit says nothing more
            note.append(note.length() > 0 ? "; " : "").append(out.failure());
            if (exchange.committed()) {
                done.failed(new IOException(out.failure()));
            } else if (exchange.claim()) {
                reply(response, done, 502, "502 Bad Gateway: " + (out.tooLarge() ? "the response is too large"
                        : "the handler's output is not a CGI response: " + out.failure()) + "\n", false);
            }
            return;
        }
        boolean abnormal = exit != null && !exit.message().isEmpty() && !exit.succeeded(); // trap, OOM: not proc_exit
        if (exit != null && !exit.succeeded()) {
            note.append(abnormal ? exit.reason() + ": " + exit.message() : "exit code " + exit.exitCode());
        }
        CgiResponse head = out.response();
        if (head == null) {
            if (exchange.claim()) {
                if (exit != null && !exit.succeeded()) {
                    reply(response, done, 500, "500 Internal Server Error: the handler failed before its headers ("
                            + (abnormal ? exit.reason() : "exit code " + exit.exitCode()) + ")\n", false);
                } else {
                    note.append(out.wroteAnything() ? "header block not ended by an empty line" : "no output");
                    reply(response, done, 502, "502 Bad Gateway: the handler's output is not a CGI response: "
                            + (out.wroteAnything() ? "the header block does not end with an empty line" : "no output")
                            + "\n", false);
                }
            }
            return;
        }
        if (!head.dropped().isEmpty()) {
            LOG.debug("Handler of {} set {}, which the server sets itself", spec.id(), head.dropped());
        }
        if (exchange.committed()) {
            finishStream(out, done, abnormal, note);
        } else if (exchange.claim()) {
            if (abnormal) {
                // the body is known to be cut short and nothing is sent yet: say so rather than pass it on
                reply(response, done, 500, "500 Internal Server Error: the handler failed while writing its body ("
                        + exit.reason() + ")\n", false);
                return;
            }
            head(response, head);
            var bodyBuffer = out.bufferedBody();
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bodyBuffer.remaining());
            if (stopping) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            response.write(true, bodyBuffer, done);
        }
    }

    private static void finishStream(ResponseOutput out, Callback done, boolean abnormal, StringBuffer note) {
        if (abnormal) {
            done.failed(new IOException("the handler failed while streaming its body: " + note));
            return;
        }
        try {
            out.stream().close();
            done.succeeded();
        } catch (IOException e) {
            note.append(note.length() > 0 ? "; " : "").append("client gone: ").append(e.getMessage());
            done.failed(e);
        }
    }

    private void head(Response response, CgiResponse head) {
        response.setStatus(head.status());
        var fields = response.getHeaders();
        for (Map.Entry<String, String> h : head.headers()) {
            fields.add(h.getKey(), h.getValue());
        }
        if (stopping) {
            fields.put(HttpHeader.CONNECTION, "close");
        }
    }

    private static CgiRequest cgiRequest(Request request, long contentLength) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (HttpField field : request.getHeaders()) {
            headers.add(new AbstractMap.SimpleImmutableEntry<>(field.getName(), field.getValue()));
        }
        var uri = request.getHttpURI();
        return new CgiRequest(request.getMethod(), uri.getPath(), uri.getQuery(),
                request.getConnectionMetaData().getProtocol(), uri.getScheme() == null ? "http" : uri.getScheme(),
                headers, Request.getRemoteAddr(request), Request.getServerName(request), Request.getServerPort(request),
                contentLength);
    }

    /** RFC 3986 dot-segments, also percent-encoded: routes are matched on the path as sent. */
    static boolean hasDotSegment(String rawPath) {
        for (String segment : rawPath.split("/", -1)) {
            String s = segment.toLowerCase(Locale.ROOT).replace("%2e", ".");
            if (s.equals(".") || s.equals("..")) {
                return true;
            }
        }
        return false;
    }

    private void reply(Response response, Callback done, int status, String text, boolean close) {
        plain(response, done, status, text, close || stopping);
    }

    /** Answers with a short text and completes the request; {@code close}: with {@code Connection: close}. */
    static void plain(Response response, Callback done, int status, String text, boolean close) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        if (close) {
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        response.write(true, java.nio.ByteBuffer.wrap(bytes), done);
    }

    private static void closeQuietly(LineOutput err) {
        try {
            err.close();
        } catch (IOException e) {
            LOG.debug("Cannot pass on the handler's last stderr line", e);
        }
    }

    private void requestDone() {
        synchronized (idle) {
            idle.notifyAll();
        }
    }

    // ---- what the container reads ----

    RequestMetrics metrics() {
        return metrics;
    }

    /** Linear memory of the instances running now, in bytes. */
    long memoryBytes() {
        long sum = 0;
        for (Exchange e : exchanges) {
            sum += e.memoryBytes();
        }
        return sum;
    }

    /** From now on every request gets 503 with {@code Connection: close}; running ones go on. */
    void stopAccepting() {
        stopping = true;
    }

    /**
     * Waits until no request is in flight, or {@code deadlineNanos} ({@link System#nanoTime()}) has passed.
     *
     * @return whether every request finished
     */
    boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        synchronized (idle) {
            while (metrics.inFlight() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                idle.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
            }
            return true;
        }
    }

    /** Stops every module still running: their requests get 503, or are cut off if already streaming. */
    void killAll() {
        exchanges.forEach(e -> e.kill(timer));
    }

    static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }

    /** The module's stdout; an output failure also tells the exchange, so the module's stop reads as such. */
    private static final class FailingStream extends OutputStream {
        private final ResponseOutput out;
        private final Exchange exchange;

        FailingStream(ResponseOutput out, Exchange exchange) {
            this.out = out;
            this.exchange = exchange;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } finally {
                if (out.failure() != null) {
                    exchange.outputFailed();
                }
            }
        }
    }
}
