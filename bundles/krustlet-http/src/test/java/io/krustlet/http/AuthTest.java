package io.krustlet.http;

import static io.krustlet.http.FakeKubeletPods.append;
import static io.krustlet.http.FakeKubeletPods.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.authorization.v1.ResourceAttributes;
import io.krustlet.core.status.PodPhase;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthTest {

    @TempDir
    Path dir;
    private ReviewingApiServer api;
    private FakeKubeletPods pods;
    private TestPki pki;
    private RunningServer server;

    @BeforeEach
    void setUp() throws Exception {
        api = new ReviewingApiServer();
        api.tokens.put("alice-token", new ReviewingApiServer.KnownUser("alice", List.of("dev")));
        api.tokens.put("bob-token", new ReviewingApiServer.KnownUser("bob", List.of("ops")));
        api.allow = review -> !review.getSpec().getUser().equals("bob");
        pods = new FakeKubeletPods("node-1", dir);
        pods.put("default", "hello", PodPhase.Running, running("main", 0, Instant.now()));
        append(pods.logPath("default", "hello", "main", 0), Instant.now(), "F", "hi");
        pki = new TestPki("cluster-ca");
    }

    @AfterEach
    void tearDown() {
        if (server != null) {
            server.close();
        }
        api.close();
    }

    private void startInCluster(boolean anonymous) throws Exception {
        server = RunningServer.start(dir, pods, pki, TestHttpConfig.defaults().with("anonymousAuth", anonymous),
                Map.of("KRUSTLET_HTTP_KUBECONFIG", api.kubeconfig(dir).toString()));
    }

    private void startStandalone(boolean anonymous) throws Exception {
        server = RunningServer.start(dir, pods, pki, TestHttpConfig.defaults().with("anonymousAuth", anonymous),
                Map.of());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        return server.get(server.client(null), path, token == null ? new String[0]
                : new String[] {"Authorization", "Bearer " + token});
    }

    @Test
    void noCredentialsIs401() throws Exception {
        startInCluster(false);
        var response = get("/containerLogs/default/hello/main", null);
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).isEqualTo("Unauthorized\n");
        assertThat(api.accessReviews).isEmpty();
    }

    @Test
    void bearerTokenGoesThroughTokenReviewAndSubjectAccessReview() throws Exception {
        startInCluster(false);
        var response = get("/containerLogs/default/hello/main", "alice-token");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("hi\n");
        assertThat(api.tokenReviews).hasSize(1);
        assertThat(api.tokenReviews.get(0).getApiVersion()).isEqualTo("authentication.k8s.io/v1");
        assertThat(api.tokenReviews.get(0).getSpec().getToken()).isEqualTo("alice-token");
        assertThat(api.accessReviews).hasSize(1);
        var spec = api.accessReviews.get(0).getSpec();
        assertThat(api.accessReviews.get(0).getApiVersion()).isEqualTo("authorization.k8s.io/v1");
        assertThat(spec.getUser()).isEqualTo("alice");
        assertThat(spec.getUid()).isEqualTo("uid-alice");
        assertThat(spec.getGroups()).containsExactly("dev", "system:authenticated");
        ResourceAttributes attributes = spec.getResourceAttributes();
        assertThat(attributes.getVerb()).isEqualTo("get");
        assertThat(attributes.getResource()).isEqualTo("nodes");
        assertThat(attributes.getSubresource()).isEqualTo("proxy");
        assertThat(attributes.getName()).isEqualTo("node-1");
        assertThat(attributes.getVersion()).isEqualTo("v1");
        assertThat(attributes.getGroup()).isEmpty();
    }

    @Test
    void invalidTokenIs401WithoutAccessReview() throws Exception {
        startInCluster(true);
        var response = get("/healthz", "forged");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(api.accessReviews).isEmpty();
    }

    @Test
    void deniedIs403WithTheKubeletsMessage() throws Exception {
        startInCluster(false);
        var response = get("/containerLogs/default/hello/main", "bob-token");
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).isEqualTo("Forbidden (user=bob, verb=get, resource=nodes, subresource=proxy)\n");
        assertThat(get("/stats/summary", "bob-token").body())
                .isEqualTo("Forbidden (user=bob, verb=get, resource=nodes, subresource=stats)\n");
        assertThat(get("/metrics/resource", "bob-token").body())
                .isEqualTo("Forbidden (user=bob, verb=get, resource=nodes, subresource=metrics)\n");
        assertThat(get("/logs/syslog", "bob-token").body())
                .isEqualTo("Forbidden (user=bob, verb=get, resource=nodes, subresource=log)\n");
    }

    @Test
    void subresourceAndVerbMapping() throws Exception {
        startInCluster(false);
        get("/stats/summary", "alice-token");
        get("/metrics", "alice-token");
        get("/metrics/resource", "alice-token");
        get("/logs/", "alice-token");
        get("/pods", "alice-token");
        HttpClient client = server.client(null);
        var exec = client.send(HttpRequest.newBuilder(server.uri("/exec/default/hello/main?command=sh"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer alice-token").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(exec.statusCode()).isEqualTo(501);
        assertThat(api.accessReviews).extracting(r -> r.getSpec().getResourceAttributes().getSubresource() + ":"
                + r.getSpec().getResourceAttributes().getVerb())
                .containsExactly("stats:get", "metrics:get", "log:get", "proxy:get", "proxy:create");
    }

    @Test
    void decisionsAreCached() throws Exception {
        startInCluster(false);
        assertThat(get("/containerLogs/default/hello/main", "alice-token").statusCode()).isEqualTo(200);
        assertThat(get("/pods", "alice-token").statusCode()).isEqualTo(200);
        assertThat(get("/stats/summary", "alice-token").statusCode()).isEqualTo(200);
        assertThat(api.accessReviews).hasSize(2); // proxy once (logs and pods), stats once
        assertThat(api.tokenReviews).hasSize(1);
        assertThat(get("/pods", "bob-token").statusCode()).isEqualTo(403);
        assertThat(get("/pods", "bob-token").statusCode()).isEqualTo(403);
        assertThat(api.accessReviews).hasSize(3);
    }

    @Test
    void clientCertificateIsAuthorizedBySubjectAccessReview() throws Exception {
        startInCluster(false);
        HttpClient client = server.client(pki.client("CN=system:kube-apiserver-kubelet-client,O=system:masters"));
        assertThat(server.get(client, "/containerLogs/default/hello/main").statusCode()).isEqualTo(200);
        assertThat(api.tokenReviews).isEmpty();
        assertThat(api.accessReviews).singleElement().satisfies(r -> {
            assertThat(r.getSpec().getUser()).isEqualTo("system:kube-apiserver-kubelet-client");
            assertThat(r.getSpec().getGroups()).containsExactly("system:masters", "system:authenticated");
        });
    }

    @Test
    void certificateFromAnotherCaIs401() throws Exception {
        startInCluster(true);
        HttpClient client = server.client(new TestPki("evil-ca").client("CN=system:kube-apiserver-kubelet-client,O=system:masters"));
        assertThat(server.get(client, "/healthz").statusCode()).isEqualTo(401);
    }

    @Test
    void anonymousIsStillAuthorized() throws Exception {
        startInCluster(true);
        api.allow = review -> review.getSpec().getResourceAttributes().getSubresource().equals("proxy");
        assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
        assertThat(get("/metrics", null).body())
                .isEqualTo("Forbidden (user=system:anonymous, verb=get, resource=nodes, subresource=metrics)\n");
        assertThat(api.accessReviews.get(0).getSpec().getUser()).isEqualTo("system:anonymous");
        assertThat(api.accessReviews.get(0).getSpec().getGroups()).containsExactly("system:unauthenticated");
    }

    @Test
    void unreachableApiServerIsAnAuthorizationError() throws Exception {
        startInCluster(false);
        HttpClient client = server.client(pki.client("CN=admin,O=system:masters"));
        api.failing = true;
        var response = server.get(client, "/pods");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("Authorization error (user=admin, verb=get, resource=nodes, subresource=proxy)\n");
        api.failing = false;
        assertThat(server.get(client, "/pods").statusCode()).isEqualTo(200); // errors are not cached
    }

    @Test
    void standaloneAcceptsClientCertificatesWithoutAsking() throws Exception {
        startStandalone(false);
        HttpClient client = server.client(pki.client("CN=someone"));
        assertThat(server.get(client, "/containerLogs/default/hello/main").body()).isEqualTo("hi\n");
        assertThat(get("/healthz", "alice-token").statusCode()).isEqualTo(401);
        assertThat(get("/healthz", null).statusCode()).isEqualTo(401);
        assertThat(api.tokenReviews).isEmpty();
        assertThat(api.accessReviews).isEmpty();
    }

    @Test
    void standaloneAnonymousWhenEnabled() throws Exception {
        startStandalone(true);
        assertThat(get("/healthz", null).body()).isEqualTo("ok");
    }

    @Test
    void execAndFriendsAnswerAtOnceEvenForUpgrades() throws Exception {
        startInCluster(false);
        HttpClient client = server.client(pki.client("CN=admin,O=system:masters"));
        for (String path : List.of("/exec/default/hello/main?command=sh&stdin=true", "/attach/default/hello/main",
                "/portForward/default/hello", "/run/default/hello/main")) {
            long started = System.nanoTime();
            var response = client.send(HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.noBody()).header("X-Stream-Protocol-Version", "v4.channel.k8s.io")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(path).isEqualTo(501);
            assertThat(response.body()).as(path).contains("not supported by this node").contains("WebAssembly");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
        }
        // a WebSocket upgrade (kubectl exec's first try) and a SPDY one (its fallback), on a raw socket
        for (String upgrade : List.of("websocket", "SPDY/3.1")) {
            var context = pki.clientContext(pki.client("CN=admin,O=system:masters"));
            try (var socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(("GET /exec/default/hello/main?command=sh HTTP/1.1\r\nHost: x\r\n"
                        + "Connection: Upgrade\r\nUpgrade: " + upgrade + "\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n")
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                var reader = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream()));
                assertThat(reader.readLine()).as(upgrade).isEqualTo("HTTP/1.1 501 Not Implemented");
            }
        }
    }
}
