package io.krustlet.oci.internal;

import io.krustlet.oci.ImageReference;
import io.krustlet.oci.PullException;
import io.krustlet.oci.PullException.Kind;
import io.krustlet.oci.RegistryCredential;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The part of the OCI distribution API a kubelet needs: manifests and blobs down, blobs and
 * manifests up, with Basic and Bearer-token authentication as registries challenge for them.
 */
final class RegistryClient {

    /** A manifest as the registry sent it. */
    record Manifest(String mediaType, byte[] body, String digest) {
    }

    private record Token(String value, Instant expires) {
    }

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration BLOB_TIMEOUT = Duration.ofMinutes(10);

    private final HttpClient http;
    private final Set<String> insecureRegistries;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    RegistryClient(Set<String> insecureRegistries, SSLContext ssl) {
        this.insecureRegistries = Set.copyOf(insecureRegistries);
        // Redirects are followed by hand: registries send blob downloads to storage hosts
        // (S3, CDNs) that must not receive the registry's Authorization header.
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (ssl != null) {
            builder.sslContext(ssl);
        }
        this.http = builder.build();
    }

    URI base(ImageReference ref) {
        String scheme = insecureRegistries.contains(ref.registry()) ? "http" : "https";
        return URI.create(scheme + "://" + ref.apiHost() + "/v2/" + ref.repository() + "/");
    }

    Manifest manifest(ImageReference ref, String reference, Optional<RegistryCredential> credential)
            throws PullException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base(ref).resolve("manifests/" + reference))
                .header("Accept", MediaTypes.ACCEPT).timeout(REQUEST_TIMEOUT).GET();
        HttpResponse<byte[]> response = send(ref, "pull", credential, request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 404) {
            throw new PullException(Kind.NOT_FOUND, "manifest for " + ref + " not found (" + errorOf(response.body()) + ")");
        }
        requireOk(ref, response.statusCode(), response.body());
        byte[] body = response.body();
        String digest = Digests.of(body);
        if (reference.startsWith("sha256:") && !reference.equals(digest)) {
            throw new PullException(Kind.DIGEST_MISMATCH, "manifest of " + ref + " has digest " + digest
                    + ", not the requested " + reference);
        }
        String mediaType = response.headers().firstValue("Content-Type").map(t -> t.split(";")[0].trim()).orElse("");
        return new Manifest(mediaType, body, digest);
    }

    /** Downloads a blob to {@code target}, checking size and digest as the bytes arrive. */
    void blob(ImageReference ref, String digest, long size, Path target, Optional<RegistryCredential> credential)
            throws PullException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base(ref).resolve("blobs/" + digest))
                .timeout(BLOB_TIMEOUT).GET();
        HttpResponse<InputStream> response = send(ref, "pull", credential, request, HttpResponse.BodyHandlers.ofInputStream());
        for (int hops = 0; isRedirect(response.statusCode()) && hops < 5; hops++) {
            discard(response);
            URI location = response.uri().resolve(response.headers().firstValue("Location")
                    .orElseThrow(() -> new PullException(Kind.NETWORK, "redirect without Location for blob " + digest)));
            response = exchange(ref, HttpRequest.newBuilder(location).timeout(BLOB_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() == 404) {
                throw new PullException(Kind.NOT_FOUND, "blob " + digest + " of " + ref + " not found");
            }
            if (response.statusCode() != 200) {
                requireOk(ref, response.statusCode(), in.readNBytes(4096));
            }
            MessageDigest md = Digests.sha256();
            long total = 0;
            try (OutputStream out = Files.newOutputStream(target)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    total += n;
                    if (size >= 0 && total > size) {
                        throw new PullException(Kind.DIGEST_MISMATCH, "blob " + digest + " of " + ref
                                + " is larger than the " + size + " bytes its manifest declares");
                    }
                    md.update(buffer, 0, n);
                    out.write(buffer, 0, n);
                }
            }
            String actual = Digests.format(md.digest());
            if (!actual.equals(digest)) {
                throw new PullException(Kind.DIGEST_MISMATCH, "blob of " + ref + " should have digest " + digest
                        + " but its bytes have " + actual + "; refusing to use it");
            }
        } catch (IOException e) {
            throw network(ref, e);
        }
    }

    /** Uploads a blob unless the registry has it already. */
    void pushBlob(ImageReference ref, byte[] content, String digest, Optional<RegistryCredential> credential)
            throws PullException {
        HttpRequest.Builder head = HttpRequest.newBuilder(base(ref).resolve("blobs/" + digest))
                .timeout(REQUEST_TIMEOUT).method("HEAD", HttpRequest.BodyPublishers.noBody());
        if (send(ref, "pull,push", credential, head, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
            return;
        }
        HttpRequest.Builder start = HttpRequest.newBuilder(base(ref).resolve("blobs/uploads/"))
                .timeout(REQUEST_TIMEOUT).POST(HttpRequest.BodyPublishers.noBody());
        HttpResponse<byte[]> started = send(ref, "pull,push", credential, start, HttpResponse.BodyHandlers.ofByteArray());
        if (started.statusCode() != 202) {
            requireOk(ref, started.statusCode(), started.body());
        }
        String location = started.headers().firstValue("Location")
                .orElseThrow(() -> new PullException(Kind.NETWORK, "registry of " + ref + " gave no upload location"));
        URI upload = base(ref).resolve(location);
        String separator = upload.getRawQuery() == null ? "?" : "&";
        URI put = URI.create(upload + separator + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(put).timeout(BLOB_TIMEOUT)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content));
        HttpResponse<byte[]> done = send(ref, "pull,push", credential, request, HttpResponse.BodyHandlers.ofByteArray());
        if (done.statusCode() != 201) {
            requireOk(ref, done.statusCode(), done.body());
        }
    }

    void pushManifest(ImageReference ref, String reference, String mediaType, byte[] body,
            Optional<RegistryCredential> credential) throws PullException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base(ref).resolve("manifests/" + reference))
                .timeout(REQUEST_TIMEOUT).header("Content-Type", mediaType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        HttpResponse<byte[]> response = send(ref, "pull,push", credential, request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 201) {
            requireOk(ref, response.statusCode(), response.body());
        }
    }

    // ---- authentication ----

    private <T> HttpResponse<T> send(ImageReference ref, String actions, Optional<RegistryCredential> credential,
            HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) throws PullException {
        String scope = "repository:" + ref.repository() + ":" + actions;
        // whose token it is matters: a pod without the pull secret must not ride on another pod's token
        String tokenKey = ref.registry() + " " + scope + " " + credential.map(c -> c.username() + "\u0000"
                + c.password()).orElse("anonymous");
        Token token = tokens.get(tokenKey);
        if (token != null && token.expires().isAfter(Instant.now())) {
            request.setHeader("Authorization", "Bearer " + token.value());
        }
        HttpResponse<T> response = exchange(ref, request.build(), handler);
        if (response.statusCode() != 401) {
            return response;
        }
        discard(response);
        String header = response.headers().firstValue("WWW-Authenticate").orElse("");
        AuthChallenge challenge = AuthChallenge.parse(header);
        if (challenge.scheme().equals("basic")) {
            RegistryCredential c = credential.orElseThrow(() -> unauthorized(ref, "the registry wants a user name and"
                    + " password and none is configured for " + ref.registry()));
            request.setHeader("Authorization", basic(c));
        } else if (challenge.scheme().equals("bearer")) {
            String value = fetchToken(ref, challenge, scope, credential);
            tokens.put(tokenKey, new Token(value, Instant.now().plusSeconds(50)));
            request.setHeader("Authorization", "Bearer " + value);
        } else {
            throw unauthorized(ref, "unsupported authentication challenge \"" + header + "\"");
        }
        HttpResponse<T> retried = exchange(ref, request.build(), handler);
        if (retried.statusCode() == 401 || retried.statusCode() == 403) {
            discard(retried);
            throw unauthorized(ref, credential.isPresent() ? "the registry refused the credentials for "
                    + ref.registry() : "the registry requires credentials for " + ref.registry());
        }
        return retried;
    }

    private String fetchToken(ImageReference ref, AuthChallenge challenge, String scope,
            Optional<RegistryCredential> credential) throws PullException {
        String realm = challenge.param("realm");
        if (realm == null) {
            throw unauthorized(ref, "the registry's Bearer challenge names no realm");
        }
        StringBuilder uri = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
        if (challenge.param("service") != null) {
            uri.append("service=").append(URLEncoder.encode(challenge.param("service"), StandardCharsets.UTF_8)).append('&');
        }
        uri.append("scope=").append(URLEncoder.encode(challenge.param("scope") != null ? challenge.param("scope") : scope,
                StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(uri.toString())).timeout(REQUEST_TIMEOUT).GET();
        credential.ifPresent(c -> request.header("Authorization", basic(c)));
        HttpResponse<byte[]> response = exchange(ref, request.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() == 401 || response.statusCode() == 403) {
            throw unauthorized(ref, "the token service " + realm + " refused "
                    + (credential.isPresent() ? "the credentials" : "an anonymous request"));
        }
        requireOk(ref, response.statusCode(), response.body());
        try {
            JsonNode node = json.readTree(response.body());
            String token = node.hasNonNull("token") ? node.get("token").asText() : node.path("access_token").asText(null);
            if (token == null || token.isEmpty()) {
                throw unauthorized(ref, "the token service " + realm + " returned no token");
            }
            return token;
        } catch (IOException e) {
            throw unauthorized(ref, "the token service " + realm + " returned no JSON token");
        }
    }

    private static String basic(RegistryCredential c) {
        return "Basic " + Base64.getEncoder().encodeToString((c.username() + ":" + c.password())
                .getBytes(StandardCharsets.UTF_8));
    }

    private <T> HttpResponse<T> exchange(ImageReference ref, HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws PullException {
        try {
            return http.send(request, handler);
        } catch (IOException e) {
            throw network(ref, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PullException(Kind.NETWORK, "interrupted while talking to " + ref.registry(), e);
        }
    }

    private static boolean isRedirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    private static void discard(HttpResponse<?> response) {
        if (response.body() instanceof InputStream in) {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing to do: the response is dropped
            }
        }
    }

    private void requireOk(ImageReference ref, int status, byte[] body) throws PullException {
        if (status / 100 == 2) {
            return;
        }
        if (status == 401 || status == 403) {
            throw unauthorized(ref, "access denied by " + ref.registry() + " (" + errorOf(body) + ")");
        }
        if (status == 404) {
            throw new PullException(Kind.NOT_FOUND, ref + " not found (" + errorOf(body) + ")");
        }
        throw new PullException(Kind.NETWORK, ref.registry() + " answered HTTP " + status + " (" + errorOf(body) + ")");
    }

    /** The first error of a distribution-spec error body, or the body's start. */
    String errorOf(byte[] body) {
        if (body == null || body.length == 0) {
            return "no details";
        }
        try {
            JsonNode errors = json.readTree(body).path("errors");
            if (errors.isArray() && errors.size() > 0) {
                return errors.get(0).path("code").asText() + ": " + errors.get(0).path("message").asText();
            }
        } catch (IOException ignored) {
            // not JSON: fall through
        }
        String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        return text.strip();
    }

    private static PullException unauthorized(ImageReference ref, String message) {
        return new PullException(Kind.UNAUTHORIZED, "pulling " + ref + ": " + message);
    }

    private static PullException network(ImageReference ref, IOException e) {
        String what = e instanceof ConnectException ? "cannot connect to " + ref.apiHost()
                : e instanceof HttpTimeoutException ? "timed out talking to " + ref.apiHost()
                : "network error talking to " + ref.apiHost() + ": " + e;
        return new PullException(Kind.NETWORK, what, e);
    }
}
