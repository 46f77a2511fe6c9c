package io.krustlet.http.api;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.http.auth.Authenticator;
import io.krustlet.http.auth.Authorizer;
import io.krustlet.http.auth.RequestAttributes;
import io.krustlet.http.auth.ReviewException;
import io.krustlet.http.auth.UserInfo;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet API: every request is authenticated, then authorized against the node resource
 * (as the kubelet's auth filter does, {@code /healthz} included), then routed.
 */
public final class KubeletHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletHandler.class);

    private final KubeletPods pods;
    private final Authenticator authenticator;
    private final Authorizer authorizer;
    private final ContainerLogsEndpoint logs;
    private final StatsSummary stats;
    private final ResourceMetrics resourceMetrics;
    private final KubeletMetrics metrics;
    private final KubernetesSerialization json = new KubernetesSerialization();

    public KubeletHandler(KubeletPods pods, Authenticator authenticator, Authorizer authorizer, KubeletMetrics metrics,
            StatusSignal signal, BooleanSupplier stopping, Clock clock) {
        this.pods = pods;
        this.authenticator = authenticator;
        this.authorizer = authorizer;
        this.metrics = metrics;
        this.logs = new ContainerLogsEndpoint(pods, signal, stopping, clock);
        NodeUsage usage = new NodeUsage();
        this.stats = new StatsSummary(pods, usage);
        this.resourceMetrics = new ResourceMetrics(pods, usage);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getDecodedPath();
        try {
            Optional<UserInfo> user = authenticator.authenticate(clientChain(request),
                    request.getHeaders().get(HttpHeader.AUTHORIZATION));
            if (user.isEmpty()) {
                Responses.error(response, callback, 401, "Unauthorized");
                return true;
            }
            RequestAttributes attributes = RequestAttributes.of(user.get(), request.getMethod(), path, pods.nodeName());
            boolean allowed;
            try {
                allowed = authorizer.allowed(attributes);
            } catch (ReviewException e) {
                LOG.warn("Authorization error ({}): {}", attributes.describe(), e.getMessage());
                Responses.error(response, callback, 500, "Authorization error (" + attributes.describe() + ")");
                return true;
            }
            if (!allowed) {
                LOG.debug("Forbidden ({}) {}", attributes.describe(), path);
                Responses.error(response, callback, 403, "Forbidden (" + attributes.describe() + ")");
                return true;
            }
            route(request, response, callback, segments(path));
        } catch (HttpError e) {
            if (response.isCommitted()) {
                callback.failed(e);
            } else {
                Responses.error(response, callback, e.status(), e.getMessage());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            callback.failed(e);
        } catch (Exception e) {
            if (response.isCommitted()) {
                LOG.debug("{} ended early: {}", path, e.toString());
                callback.failed(e);
            } else {
                LOG.warn("{} failed", path, e);
                Responses.error(response, callback, 500, "Internal error: " + e.getMessage());
            }
        }
        return true;
    }

    private void route(Request request, Response response, Callback callback, String[] path) throws Exception {
        String method = request.getMethod();
        switch (path[0]) {
            case "healthz" -> {
                requireGet(method);
                Responses.send(response, callback, 200, Responses.TEXT, "ok");
            }
            case "containerLogs" -> {
                requireGet(method);
                logs.handle(request, response, callback, path, query(request));
            }
            case "pods" -> {
                requireGet(method);
                exact(path, 1);
                String node = pods.nodeName();
                Responses.send(response, callback, 200, Responses.JSON, json.asJson(PodObjects.list(
                        pods.pods().stream().map(p -> PodObjects.pod(p, node)).toList())));
            }
            case "runningpods" -> {
                requireGet(method);
                exact(path, 1);
                Responses.send(response, callback, 200, Responses.JSON, json.asJson(PodObjects.list(
                        pods.pods().stream().filter(PodObjects::isRunning).map(PodObjects::runningPod).toList())));
            }
            case "stats" -> {
                requireGet(method);
                if (path.length != 2 || !path[1].equals("summary")) {
                    throw HttpError.notFound("404 page not found (this node serves /stats/summary only)");
                }
                Responses.send(response, callback, 200, Responses.JSON, json.asJson(stats.summary()));
            }
            case "metrics" -> {
                requireGet(method);
                if (path.length == 1) {
                    Responses.send(response, callback, 200, Responses.PROMETHEUS, metrics.text(logs.activeStreams()));
                } else if (path.length == 2 && path[1].equals("resource")) {
                    Responses.send(response, callback, 200, Responses.PROMETHEUS, resourceMetrics.text());
                } else {
                    throw HttpError.notFound("404 page not found (this node serves /metrics and /metrics/resource)");
                }
            }
            case "exec", "attach", "portForward", "run" -> {
                // answered before any upgrade: kubectl's WebSocket and SPDY attempts both get this and stop;
                // a v1 Status, the only body kubectl shows for a refused upgrade
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
                Responses.send(response, callback, StreamingRefusal.CODE, Responses.JSON,
                        json.asJson(StreamingRefusal.of(path, pods.nodeName())));
            }
            default -> throw HttpError.notFound("404 page not found");
        }
    }

    private static void requireGet(String method) throws HttpError {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new HttpError(405, "Method " + method + " Not Allowed");
        }
    }

    private static void exact(String[] path, int length) throws HttpError {
        if (path.length != length) {
            throw HttpError.notFound("404 page not found");
        }
    }

    /** The path's segments; a trailing slash does not count ({@code /runningpods/}), empty ones do. */
    static String[] segments(String path) {
        String trimmed = path == null ? "" : path;
        if (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.split("/", -1);
    }

    private static Map<String, String> query(Request request) {
        Fields fields = Request.extractQueryParameters(request);
        Map<String, String> query = new HashMap<>();
        for (Fields.Field field : fields) {
            query.put(field.getName(), field.getValue());
        }
        return query;
    }

    private static X509Certificate[] clientChain(Request request) {
        if (request.getAttribute(EndPoint.SslSessionData.ATTRIBUTE) instanceof EndPoint.SslSessionData data) {
            return data.peerCertificates();
        }
        return null;
    }
}
