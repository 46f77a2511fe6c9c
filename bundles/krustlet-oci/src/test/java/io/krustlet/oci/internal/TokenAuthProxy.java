package io.krustlet.oci.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Docker Hub's token flow in front of a real registry: requests without a valid Bearer token get
 * 401 with a {@code WWW-Authenticate: Bearer realm=...,service=...,scope=...} challenge; the realm
 * hands out tokens for a user name and password; requests with a token are forwarded to the
 * registry behind it.
 */
final class TokenAuthProxy implements AutoCloseable {

    private final HttpServer server;
    private final String upstream;
    private final String user;
    private final String password;
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final HttpClient http = HttpClient.newHttpClient();
    final List<String> tokenRequests = new java.util.concurrent.CopyOnWriteArrayList<>();

    TokenAuthProxy(String upstreamHost, String user, String password) throws IOException {
        this.upstream = "http://" + upstreamHost;
        this.user = user;
        this.password = password;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", this::token);
        server.createContext("/v2/", this::forward);
        server.start();
    }

    String host() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private void token(HttpExchange exchange) throws IOException {
        tokenRequests.add(exchange.getRequestURI().getRawQuery());
        String expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            TestOciConfig.reply(exchange, 401, "{\"details\":\"incorrect username or password\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        String token = UUID.randomUUID().toString();
        tokens.add(token);
        TestOciConfig.reply(exchange, 200, ("{\"token\":\"" + token + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8));
    }

    private void forward(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ") || !tokens.contains(auth.substring(7))) {
            String path = exchange.getRequestURI().getPath();
            String repository = path.replaceFirst("^/v2/", "").replaceFirst("/(manifests|blobs|tags)/.*$", "");
            exchange.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + host()
                    + "/token\",service=\"test-registry\",scope=\"repository:" + repository + ":pull\"");
            TestOciConfig.reply(exchange, 401, "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}"
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()));
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        if (accept != null) {
            request.header("Accept", accept);
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        request.method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            response.headers().firstValue("Content-Type").ifPresent(t -> exchange.getResponseHeaders().add("Content-Type", t));
            response.headers().firstValue("Docker-Content-Digest")
                    .ifPresent(d -> exchange.getResponseHeaders().add("Docker-Content-Digest", d));
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
