package io.krustlet.http;

import static io.krustlet.http.FakeKubeletPods.running;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.krustlet.core.status.PodPhase;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kubectl exec, attach and port-forward on this node get a refusal kubectl can show: client-go
 * decodes the body of a refused upgrade as a metav1.Status and prints its reason and message
 * ({@code Error from server (NotImplemented): ...}, {@code error upgrading connection: ...}); a
 * body that is not one printed nothing but "Error from server: ".
 */
class StreamingRefusalTest {

    @TempDir
    Path dir;
    private RunningServer server;
    private TestPki pki;

    @BeforeEach
    void setUp() throws Exception {
        var pods = new FakeKubeletPods("node-1", dir);
        pods.put("default", "hello", PodPhase.Running, running("main", 0, Instant.now()));
        pki = new TestPki("cluster-ca");
        server = RunningServer.start(dir, pods, pki, TestHttpConfig.defaults(), Map.of());
    }

    @AfterEach
    void tearDown() {
        server.close();
    }

    /** What client-go does with the body of a refused upgrade. */
    private static Status decode(String body) {
        Status status = Serialization.unmarshal(body, Status.class);
        assertThat(status.getKind()).isEqualTo("Status");
        assertThat(status.getApiVersion()).isEqualTo("v1");
        return status;
    }

    private HttpResponse<String> post(String path) throws Exception {
        return server.client(pki.client("CN=kube-apiserver-kubelet-client,O=system:masters")).send(
                HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(5))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .header("X-Stream-Protocol-Version", "v4.channel.k8s.io").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void execSaysWhyAsAStatusKubectlPrints() throws Exception {
        var response = post("/exec/default/hello/main?command=sh&stdin=true&tty=true");

        assertThat(response.statusCode()).isEqualTo(501);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        Status status = decode(response.body());
        assertThat(status.getStatus()).isEqualTo("Failure");
        assertThat(status.getCode()).isEqualTo(501);
        assertThat(status.getReason()).isEqualTo("NotImplemented");
        assertThat(status.getMessage()).isEqualTo("exec is not supported by this node: pod default/hello runs on node"
                + " node-1 as a WebAssembly (wasm32-wasi) module, a single program with no shell and no other programs"
                + " to run; read its output with kubectl logs");
    }

    @Test
    void portForwardAndAttachSayWhyToo() throws Exception {
        Status portForward = decode(post("/portForward/default/hello").body());
        assertThat(portForward.getMessage()).startsWith("port-forward is not supported by this node: pod default/hello")
                .contains("WebAssembly").contains("shares the node's network")
                .contains("at the node's address (the pod's status.hostIP)");
        Status attach = decode(post("/attach/default/hello/main").body());
        assertThat(attach.getMessage()).startsWith("attach is not supported by this node").contains("no TTY");
    }

    @Test
    void theWebSocketAndSpdyUpgradesKubectlTriesGetTheSameStatus() throws Exception {
        for (String upgrade : new String[] {"websocket", "SPDY/3.1"}) {
            var context = pki.clientContext(pki.client("CN=kube-apiserver-kubelet-client,O=system:masters"));
            try (var socket = (javax.net.ssl.SSLSocket) context.getSocketFactory().createSocket("127.0.0.1",
                    server.port())) {
                socket.setSoTimeout(5000);
                socket.getOutputStream().write(("GET /portForward/default/hello HTTP/1.1\r\nHost: x\r\n"
                        + "Connection: Upgrade\r\nUpgrade: " + upgrade + "\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + "Sec-WebSocket-Protocol: SPDY/3.1+portforward.k8s.io\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                var all = new ByteArrayOutputStream();
                socket.getInputStream().transferTo(all); // the node closes the connection after the answer
                String response = all.toString(StandardCharsets.UTF_8);
                assertThat(response).as(upgrade).startsWith("HTTP/1.1 501 ");
                String body = response.substring(response.indexOf("\r\n\r\n") + 4);
                assertThat(decode(body).getMessage()).as(upgrade).startsWith("port-forward is not supported");
            }
        }
    }
}
