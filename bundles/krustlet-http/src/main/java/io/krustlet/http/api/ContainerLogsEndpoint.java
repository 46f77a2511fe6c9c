package io.krustlet.http.api;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.http.logs.BadLogRequest;
import io.krustlet.http.logs.LogOptions;
import io.krustlet.core.status.logs.CriLogReader;
import io.krustlet.core.status.logs.FollowRun;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /containerLogs/{namespace}/{pod}/{container}}: what {@code kubectl logs} reaches
 * through the API server. Checks in the kubelet's order (query, pod, container, run), then streams.
 */
final class ContainerLogsEndpoint {

    private final KubeletPods pods;
    private final StatusSignal signal;
    private final BooleanSupplier stopping;
    private final Clock clock;
    private final java.util.concurrent.atomic.AtomicInteger streams = new java.util.concurrent.atomic.AtomicInteger();

    ContainerLogsEndpoint(KubeletPods pods, StatusSignal signal, BooleanSupplier stopping, Clock clock) {
        this.pods = pods;
        this.signal = signal;
        this.stopping = stopping;
        this.clock = clock;
    }

    void handle(Request request, Response response, Callback callback, String[] path, Map<String, String> query)
            throws Exception {
        if (path.length != 4) {
            throw HttpError.notFound("404 page not found");
        }
        String namespace = KubeNames.namespace(path[1]);
        String podName = KubeNames.pod(path[2]);
        String container = KubeNames.container(path[3]);
        LogOptions options;
        try {
            options = LogOptions.parse(query, clock);
        } catch (BadLogRequest e) {
            throw HttpError.badRequest(e.getMessage());
        }
        PodSnapshot pod = pods.pod(namespace, podName)
                .orElseThrow(() -> HttpError.notFound("pod \"" + podName + "\" does not exist"));
        ContainerStatus status = pod.status().container(container)
                .orElseThrow(() -> HttpError.notFound("container \"" + container + "\" not found in pod \"" + podName
                        + "\""));
        Path file = pods.logFile(namespace, podName, container, options.previous()).orElse(null);
        if (file == null) {
            if (options.previous()) {
                throw HttpError.badRequest("previous terminated container \"" + container + "\" in pod \"" + podName
                        + "\" not found");
            }
            if (status.state() instanceof ContainerState.Waiting waiting) {
                throw HttpError.badRequest("container \"" + container + "\" in pod \"" + podName
                        + "\" is waiting to start: " + waiting.reason());
            }
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Responses.TEXT);
        if (file == null) {
            response.write(true, null, callback);
            return;
        }
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        long idleTimeout = endPoint.getIdleTimeout();
        AtomicBoolean failed = new AtomicBoolean();
        request.addFailureListener(x -> failed.set(true));
        if (options.follow()) {
            // a quiet container must not look like an idle connection; the kubelet has no timeout either
            endPoint.setIdleTimeout(0);
        }
        streams.incrementAndGet();
        // buffered: each write to Jetty's stream is a network write; the streamer flushes what must go out now
        try (OutputStream out = new java.io.BufferedOutputStream(Content.Sink.asOutputStream(response), 16 * 1024)) {
            CriLogReader.stream(file, options.read(), out, new FollowRun(pods, namespace, podName, container,
                    options.previous() ? -1 : status.restartCount(),
                    () -> stopping.getAsBoolean() || failed.get() || !endPoint.isOpen(), signal::await));
        } finally {
            streams.decrementAndGet();
            endPoint.setIdleTimeout(idleTimeout);
        }
        callback.succeeded();
    }

    /** Log responses being written now, follow streams included. */
    int activeStreams() {
        return streams.get();
    }
}
