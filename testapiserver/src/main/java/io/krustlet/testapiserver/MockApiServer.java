package io.krustlet.testapiserver;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.concurrent.atomic.AtomicInteger;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode, over plain HTTP, with two fixes: the mock ignores the
 * {@code spec.nodeName} field selector (a list or watch with it returns nothing), which a real
 * API server applies, and refuses server-side apply, which a real one takes. The kubelet relies on both, so the mock learns them here. The server can be
 * stopped and started again on the same port with its objects kept (an API server outage).
 */
public final class MockApiServer implements AutoCloseable {

    private final KubernetesCrudDispatcher dispatcher;
    private final Dispatcher front;
    private final AtomicInteger goneWatches = new AtomicInteger();
    private final AtomicInteger podWatches = new AtomicInteger();
    private final java.util.List<String> requests = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile java.time.Duration writeLatency = java.time.Duration.ZERO;
    private final java.util.Map<Integer, java.util.concurrent.atomic.AtomicLong> answers =
            new java.util.concurrent.ConcurrentHashMap<>();
    /** Held, so the quieter level stays: the mock logs every request at INFO through java.util.logging. */
    private static final java.util.logging.Logger MOCK_LOG = quiet();

    private static java.util.logging.Logger quiet() {
        var logger = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver.MockWebServer");
        logger.setLevel(java.util.logging.Level.WARNING);
        return logger;
    }
    private KubernetesMockServer server;
    private int port;
    private KubernetesClient client;

    private MockApiServer() {
        this.dispatcher = new KubernetesCrudDispatcher();
        teachNodeNameSelector(dispatcher);
        this.front = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getPath();
                String line = request.getMethod() + " " + path;
                requests.add(line);
                var failure = failures.entrySet().stream().filter(f -> line.startsWith(f.getKey())).findFirst();
                if (failure.isPresent() && failures.remove(failure.get().getKey()) != null) {
                    int code = failure.get().getValue();
                    return new MockResponse().setResponseCode(code).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                            + "\"status\":\"Failure\",\"reason\":\"" + (code == 409 ? "Conflict" : "InternalError")
                            + "\",\"message\":\"injected by the test\",\"code\":" + code + "}");
                }
                if (path.contains("/pods") && path.contains("watch=true")) {
                    podWatches.incrementAndGet();
                    if (goneWatches.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        // what a real API server sends: the watch opens, then an ERROR event carries 410
                        String gone = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                                + "\"status\":\"Failure\",\"message\":\"too old resource version\","
                                + "\"reason\":\"Expired\",\"code\":410}}";
                        return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                            @Override
                            public void onOpen(WebSocket socket, Response response) {
                                socket.send(gone);
                                socket.close(1000, "");
                            }
                        });
                    }
                }
                MockResponse applied = serverSideApply(request);
                MockResponse response = applied != null ? applied : dispatcher.dispatch(request);
                answers.computeIfAbsent(response.code(), c -> new java.util.concurrent.atomic.AtomicLong())
                        .incrementAndGet();
                java.time.Duration latency = writeLatency;
                if (!latency.isZero() && WRITES.contains(request.getMethod())) {
                    // a timer on the server's event loop, not a sleep: other requests go on meanwhile
                    response.setBodyDelay(latency);
                }
                return response;
            }
        };
    }

    private static final java.util.Set<String> WRITES = java.util.Set.of("POST", "PUT", "PATCH", "DELETE");

    /**
     * Answers every write (POST, PUT, PATCH, DELETE) {@code latency} late, as a real API server
     * waits for etcd (about 20 ms on a small control plane). The object is stored, and watchers
     * see it, at once; the writer gets its answer after the latency, so a client that writes one
     * request after another pays it for each. Zero (the default) answers at once.
     */
    public void delayWrites(java.time.Duration latency) {
        this.writeLatency = latency;
    }

    /**
     * Server-side apply ({@code PATCH} with {@code application/apply-patch+yaml}), which the mock
     * refuses (415, or 404 for a new object): a new object is created (201), as a real API server
     * does; an existing one takes the applied fields as a JSON merge patch, which is what an apply
     * by a single field manager amounts to. Returns null for any other request.
     */
    private MockResponse serverSideApply(RecordedRequest request) {
        String type = request.getHeader("Content-Type");
        if (!"PATCH".equals(request.getMethod()) || type == null || !type.startsWith("application/apply-patch")) {
            return null;
        }
        String path = request.getPath().split("\\?", 2)[0];
        Buffer body = new Buffer(request.getBody().getBytes());
        if (dispatcher.handleGet(path).code() == 404) {
            String collection = path.substring(0, path.lastIndexOf('/'));
            return dispatcher.handleCreate(new RecordedRequest("POST " + collection + " HTTP/1.1", HttpMethod.POST,
                    collection, request.getHeaders(), body));
        }
        var merge = request.getHeaders().newBuilder().set("Content-Type", "application/merge-patch+json").build();
        return dispatcher.handlePatch(new RecordedRequest("PATCH " + path + " HTTP/1.1", HttpMethod.PATCH, path, merge,
                body));
    }

    /** The next pod watch is answered 410 Gone (its resourceVersion is too old), as etcd compaction does. */
    public void failNextPodWatchWithGone() {
        goneWatches.incrementAndGet();
    }

    /**
     * The next request whose "METHOD path" starts with {@code requestPrefix} is answered with
     * {@code code} (a 409 Conflict, a 500), as a busy real API server sometimes does.
     */
    public void failNext(String requestPrefix, int code) {
        failures.put(requestPrefix, code);
    }

    /** Every request so far, as "METHOD path?query". */
    public java.util.List<String> requests() {
        return java.util.List.copyOf(requests);
    }

    /** How many requests the CRUD store answered with this HTTP status code (injected failures not counted). */
    public long answered(int code) {
        var count = answers.get(code);
        return count == null ? 0 : count.get();
    }

    /** How many pod watches clients have opened. */
    public int podWatches() {
        return podWatches.get();
    }

    public static MockApiServer start() {
        var api = new MockApiServer();
        api.server = newServer(api.front);
        api.server.init(InetAddress.getLoopbackAddress(), 0);
        api.port = api.server.getPort();
        api.client = api.server.createClient();
        return api;
    }

    private static KubernetesMockServer newServer(Dispatcher dispatcher) {
        return new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    }

    /** A client of the test's own, for arranging and checking objects. */
    public KubernetesClient client() {
        return client;
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** A kubeconfig pointing at this server, as a user would hand it to the node. */
    public Path writeKubeconfig(Path file) throws IOException {
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                contexts:
                - name: mock
                  context:
                    cluster: mock
                    user: node
                    namespace: default
                current-context: mock
                users:
                - name: node
                  user:
                    token: test-token
                """.formatted(url()));
        return file;
    }

    /** The API server goes away: connections are refused, open watches break. */
    public void stop() {
        destroy();
    }

    /** It comes back on the same port, with every object it had. */
    public void restart() {
        server = newServer(front);
        server.init(InetAddress.getLoopbackAddress(), port);
    }

    @Override
    public void close() {
        client.close();
        destroy();
    }

    /**
     * The mock's web server waits (10 s) for watch websockets whose clients already hung up and
     * then throws; that is the mock's shutdown, not something a test asserts, so it only costs time.
     */
    private void destroy() {
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            java.util.logging.Logger.getLogger(MockApiServer.class.getName()).fine("mock shutdown: " + e);
        }
    }

    private static void teachNodeNameSelector(KubernetesCrudDispatcher dispatcher) {
        try {
            Field field = KubernetesCrudDispatcher.class.getDeclaredField("kubernetesAttributesExtractor");
            field.setAccessible(true);
            var original = (KubernetesAttributesExtractor) field.get(dispatcher);
            var replacement = new NodeNameAttributes();
            Field crd = KubernetesAttributesExtractor.class.getDeclaredField("customResourceDefinitionProcessor");
            crd.setAccessible(true);
            crd.set(replacement, crd.get(original));
            field.set(dispatcher, replacement);
            Field inCrud = io.fabric8.mockwebserver.crud.CrudDispatcher.class.getDeclaredField("attributeExtractor");
            inCrud.setAccessible(true);
            inCrud.set(dispatcher, replacement);
            Field post = KubernetesCrudDispatcher.class.getDeclaredField("postHandler");
            post.setAccessible(true);
            Object handler = post.get(dispatcher);
            Field inPost = handler.getClass().getDeclaredField("attributeExtractor");
            inPost.setAccessible(true);
            inPost.set(handler, replacement);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this version of kubernetes-server-mock is laid out differently", e);
        }
    }

    /** Pods carry their spec.nodeName as an attribute, so the selector's attribute can match it. */
    private static final class NodeNameAttributes extends KubernetesAttributesExtractor {
        @Override
        public AttributeSet extract(HasMetadata resource) {
            AttributeSet attributes = super.extract(resource);
            String nodeName = null;
            if (resource instanceof Pod pod && pod.getSpec() != null) {
                nodeName = pod.getSpec().getNodeName();
            } else if (resource instanceof GenericKubernetesResource generic && "Pod".equals(generic.getKind())) {
                Object value = generic.get("spec", "nodeName");
                nodeName = value == null ? null : value.toString();
            }
            return nodeName == null ? attributes : attributes.add(new Attribute("spec.nodeName", nodeName));
        }
    }
}
