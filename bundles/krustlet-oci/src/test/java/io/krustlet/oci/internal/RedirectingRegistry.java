package io.krustlet.oci.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A registry front that wants basic auth and, like Docker Hub or GHCR, answers blob downloads
 * with a redirect to a storage URL, recording the Authorization header the storage side gets.
 */
final class RedirectingRegistry implements AutoCloseable {

    private final HttpServer server;
    private final String upstream;
    private final String expectedAuth;
    private final HttpClient http = HttpClient.newHttpClient();
    final List<String> storageAuthorization = new CopyOnWriteArrayList<>();

    RedirectingRegistry(String upstreamHost, String user, String password) throws IOException {
        this.upstream = "http://" + upstreamHost;
        this.expectedAuth = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v2/", this::registry);
        server.createContext("/storage/", this::storage);
        server.start();
    }

    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void registry(HttpExchange exchange) throws IOException {
        if (!expectedAuth.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"redirecting\"");
            TestOciConfig.reply(exchange, 401, new byte[0]);
            return;
        }
        String path = exchange.getRequestURI().getPath();
        if (path.contains("/blobs/sha256:")) {
            exchange.getResponseHeaders().add("Location", "/storage" + path);
            TestOciConfig.reply(exchange, 307, new byte[0]);
            return;
        }
        relay(exchange, path);
    }

    private void storage(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        storageAuthorization.add(auth == null ? "none" : auth);
        relay(exchange, exchange.getRequestURI().getPath().substring("/storage".length()));
    }

    private void relay(HttpExchange exchange, String path) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream + path));
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (accept != null) {
            request.header("Accept", accept);
        }
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().firstValue("Content-Type").ifPresent(t -> exchange.getResponseHeaders().add("Content-Type", t));
            TestOciConfig.reply(exchange, response.statusCode(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            TestOciConfig.reply(exchange, 502, new byte[0]);
        }
    }


    @Override
    public void close() {
        server.stop(0);
    }
}
