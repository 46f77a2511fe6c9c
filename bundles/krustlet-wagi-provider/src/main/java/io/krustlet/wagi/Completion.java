package io.krustlet.wagi;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes one request once, whoever completes it (the request thread, the watchdog, the
 * stopping container): passes the outcome to the server, counts the request, writes its
 * access-log line and wakes a stop that waits for requests in flight. Runs on the thread that
 * completes the response; never blocks.
 */
final class Completion implements Callback {

    private static final Logger LOG = LoggerFactory.getLogger(Completion.class);

    private final Request request;
    private final Response response;
    private final Callback callback;
    private final long startedNanos;
    private final StringBuffer note;
    private final RequestMetrics metrics;
    private final OutputStream accessLog;
    private final Runnable finished;
    private final AtomicBoolean once = new AtomicBoolean();

    /**
     * @param startedNanos {@link System#nanoTime()} when the server handed over the request
     * @param note what went wrong, for the access-log line
     * @param accessLog the container's stdout
     * @param finished told after each request, to wake a draining stop
     */
    Completion(Request request, Response response, Callback callback, long startedNanos, StringBuffer note,
            RequestMetrics metrics, OutputStream accessLog, Runnable finished) {
        this.request = request;
        this.response = response;
        this.callback = callback;
        this.startedNanos = startedNanos;
        this.note = note;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.finished = finished;
        metrics.started();
    }

    @Override
    public void succeeded() {
        if (once.compareAndSet(false, true)) {
            try {
                callback.succeeded();
            } finally {
                finish();
            }
        }
    }

    @Override
    public void failed(Throwable x) {
        if (once.compareAndSet(false, true)) {
            note.append(note.length() > 0 ? "; " : "").append("response aborted");
            try {
                callback.failed(x);
            } finally {
                finish();
            }
        }
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    private void finish() {
        long nanos = System.nanoTime() - startedNanos;
        metrics.finished(response.getStatus(), nanos);
        var uri = request.getHttpURI();
        String line = line(Request.getRemoteAddr(request), request.getMethod(), uri.getPath(), uri.getQuery(),
                request.getConnectionMetaData().getProtocol(), response.getStatus(),
                Response.getContentBytesWritten(response), nanos, note);
        try {
            accessLog.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            LOG.debug("Cannot write an access-log line", e);
        }
        finished.run();
    }

    /**
     * One access-log line: {@code 10.0.0.7 "GET /hello?x=1 HTTP/1.1" 200 13 0.8ms (note)}: the
     * client, the request line, the status, the body bytes sent, the time from the server handing
     * over the request to the last byte of the response, and what went wrong, if anything.
     */
    static String line(String remote, String method, String path, String query, String protocol, int status,
            long bytes, long nanos, CharSequence note) {
        long tenths = nanos / 100_000;
        var out = new StringBuilder(96 + path.length() + (query == null ? 0 : query.length()));
        out.append(remote).append(" \"").append(method).append(' ').append(path);
        if (query != null) {
            out.append('?').append(query);
        }
        out.append(' ').append(protocol).append("\" ").append(status).append(' ').append(bytes).append(' ')
                .append(tenths / 10).append('.').append(tenths % 10).append("ms");
        if (note.length() > 0) {
            out.append(" (").append(note).append(')');
        }
        return out.append('\n').toString();
    }
}
