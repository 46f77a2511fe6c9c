package io.krustlet.core.lifecycle;

import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.ProbeDefinition;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The kubelet's httpGet and tcpSocket probes against the pod's IP (the node's: wasm pods share
 * the host network), with the kubelet's rules: an HTTP status from 200 to 399 passes (redirects
 * followed), HTTPS without verifying the certificate (as the kubelet's prober does), a TCP probe
 * passes when the connection opens; each check ends after the probe's timeout.
 */
public final class NetworkProber implements Prober {

    private final String podIP;
    private final ExecutorService executor;
    private final HttpClient http;
    private final HttpClient https;

    /**
     * @param podIP the address probes go to when they name no host
     * @param executor runs TCP connects and the HTTP client's work
     */
    public NetworkProber(String podIP, ExecutorService executor) {
        this.podIP = podIP == null || podIP.isBlank() ? "127.0.0.1" : podIP;
        this.executor = executor;
        this.http = HttpClient.newBuilder().executor(executor).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.https = HttpClient.newBuilder().executor(executor).followRedirects(HttpClient.Redirect.NORMAL)
                .sslContext(trustingEveryone()).build();
    }

    @Override
    public CompletionStage<Result> probe(ProbeDefinition probe, ContainerDefinition container) {
        ProbeDefinition.Action action = probe.action();
        if (action instanceof ProbeDefinition.Exec) {
            return CompletableFuture.completedFuture(new Result(false,
                    "exec probes cannot run here: WebAssembly containers have no exec"));
        }
        String portName = action instanceof ProbeDefinition.HttpGet h ? h.port() : ((ProbeDefinition.TcpSocket) action).port();
        var port = container.port(portName);
        if (port.isEmpty()) {
            return CompletableFuture.completedFuture(new Result(false, "port \"" + portName
                    + "\" is not a number and not the name of one of the container's ports"));
        }
        if (action instanceof ProbeDefinition.HttpGet h) {
            return httpGet(h, port.getAsInt(), probe);
        }
        ProbeDefinition.TcpSocket tcp = (ProbeDefinition.TcpSocket) action;
        return CompletableFuture.supplyAsync(() -> connect(host(tcp.host()), port.getAsInt(), probe), executor);
    }

    private CompletionStage<Result> httpGet(ProbeDefinition.HttpGet h, int port, ProbeDefinition probe) {
        URI uri;
        try {
            String host = host(h.host());
            uri = URI.create(h.scheme().toLowerCase(java.util.Locale.ROOT) + "://"
                    + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + (h.path().startsWith("/") ? "" : "/")
                    + h.path());
        } catch (IllegalArgumentException e) {
            return CompletableFuture.completedFuture(new Result(false, "invalid probe URL: " + e.getMessage()));
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(probe.timeout()).GET()
                .header("User-Agent", "kube-probe/1.26");
        h.headers().forEach(request::setHeader);
        HttpClient client = "HTTPS".equals(h.scheme()) ? https : http;
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding())
                .orTimeout(probe.timeout().toMillis() + 500, java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
                        return new Result(false, "Get \"" + uri + "\": " + describe(cause));
                    }
                    int status = response.statusCode();
                    return status >= 200 && status < 400 ? new Result(true, "")
                            : new Result(false, "HTTP probe failed with statuscode: " + status);
                });
    }

    private static Result connect(String host, int port, ProbeDefinition probe) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) Math.max(1, probe.timeout().toMillis()));
            return new Result(true, "");
        } catch (IOException e) {
            return new Result(false, "dial tcp " + host + ":" + port + ": " + describe(e));
        }
    }

    private String host(String host) {
        return host == null ? podIP : host;
    }

    private static String describe(Throwable e) {
        if (e instanceof java.net.http.HttpTimeoutException || e instanceof java.util.concurrent.TimeoutException
                || e instanceof java.net.SocketTimeoutException) {
            return "context deadline exceeded (Client.Timeout exceeded while awaiting headers)";
        }
        if (e instanceof java.net.ConnectException) {
            return "connect: connection refused";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The kubelet's prober skips certificate verification for HTTPS probes (InsecureSkipVerify). */
    private static SSLContext trustingEveryone() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }
}
