package io.krustlet.http;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLContext;

/**
 * The real component, activated in-process on a free port with a fake kubelet: the serving
 * certificate signed by the test CA, the client CA file holding that CA.
 */
final class RunningServer implements AutoCloseable {

    final KubeletHttpServer component = new KubeletHttpServer();
    final FakeKubeletPods pods;
    final TestPki pki;
    final Path dataDir;
    private int port;

    private RunningServer(FakeKubeletPods pods, TestPki pki, Path dataDir) {
        this.pods = pods;
        this.pki = pki;
        this.dataDir = dataDir;
    }

    static RunningServer start(Path dataDir, FakeKubeletPods pods, TestPki pki, TestHttpConfig config,
            Map<String, String> env) throws Exception {
        Path pkiDir = dataDir.resolve("pki");
        TestPki.write(pki.server("node-1"), pkiDir.resolve("kubelet.crt"), pkiDir.resolve("kubelet.key"));
        pki.writeCa(pkiDir.resolve("client-ca.crt"));
        Map<String, String> allEnv = new HashMap<>(Map.of("KRUSTLET_HTTP_PORT", "0", "KRUSTLET_HTTP_ADDRESS", "127.0.0.1",
                "KRUSTLET_HTTP_DATA_DIR", dataDir.toString(),
                "KRUSTLET_HTTP_CLIENT_CA_FILE", pkiDir.resolve("client-ca.crt").toString(),
                "KRUSTLET_HTTP_KUBECONFIG", "none"));
        allEnv.putAll(env);
        HttpSettings settings = HttpSettings.from(config.build(), allEnv, Map.of(), Map.of());
        RunningServer server = new RunningServer(pods, pki, dataDir);
        server.component.bindPods(pods, Map.of());
        server.component.start(settings);
        server.port = server.component.port();
        return server;
    }

    int port() {
        return port;
    }

    URI uri(String pathAndQuery) {
        return URI.create("https://127.0.0.1:" + port + pathAndQuery);
    }

    HttpClient client(TestPki.Issued clientCertificate) throws Exception {
        SSLContext context = pki.clientContext(clientCertificate);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    HttpResponse<String> get(HttpClient client, String pathAndQuery, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20)).GET();
        if (headers.length > 0) {
            request.headers(headers);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        component.deactivate();
    }
}
