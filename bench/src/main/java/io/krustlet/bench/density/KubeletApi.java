package io.krustlet.bench.density;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/** The node's kubelet HTTPS API, reached with the bench's client certificate over one keep-alive connection. */
final class KubeletApi {

    private static final Pattern RUNNING = Pattern.compile("(?m)^kubelet_running_pods (\\d+)");
    private final HttpClient client;
    private final URI base;

    KubeletApi(SSLContext tls, int port) {
        this.client = HttpClient.newBuilder().sslContext(tls).connectTimeout(Duration.ofSeconds(10)).build();
        this.base = URI.create("https://127.0.0.1:" + port);
    }

    /** {@code GET /healthz}; throws unless it answers 200 {@code ok}. */
    void healthz() throws IOException, InterruptedException {
        var response = get("/healthz");
        if (response.statusCode() != 200 || !response.body().strip().equals("ok")) {
            throw new IOException("/healthz: " + response.statusCode() + " " + response.body());
        }
    }

    /** {@code kubelet_running_pods} from {@code GET /metrics}: pods with a running container. */
    long runningPods() throws IOException, InterruptedException {
        var response = get("/metrics");
        Matcher m = RUNNING.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IOException("/metrics: " + response.statusCode());
        }
        return Long.parseLong(m.group(1));
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
