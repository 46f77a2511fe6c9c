package io.krustlet.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads registry credentials from Docker's config formats: {@code .dockerconfigjson}
 * ({@code {"auths": {...}}}, secret type {@code kubernetes.io/dockerconfigjson}) and the older
 * {@code .dockercfg} (the same entries at the top level, type {@code kubernetes.io/dockercfg}).
 * Each entry has {@code username}/{@code password}, or {@code auth} = base64("user:password").
 */
public final class DockerConfig {

    private static final ObjectMapper JSON = new ObjectMapper();

    private DockerConfig() {
    }

    public static List<RegistryCredential> parse(byte[] content) throws IOException {
        JsonNode root = JSON.readTree(content);
        if (root == null || !root.isObject()) {
            throw new IOException("not a Docker config: expected a JSON object");
        }
        JsonNode entries = root.has("auths") ? root.get("auths") : root;
        List<RegistryCredential> result = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode auth = entry.getValue();
            String user = auth.path("username").asText("");
            String password = auth.path("password").asText("");
            if ((user.isEmpty() || password.isEmpty()) && auth.hasNonNull("auth")) {
                String decoded = new String(Base64.getDecoder().decode(auth.get("auth").asText().trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    throw new IOException("the auth field for " + entry.getKey() + " is not base64(user:password)");
                }
                user = decoded.substring(0, colon);
                password = decoded.substring(colon + 1);
            }
            if (!user.isEmpty()) {
                result.add(new RegistryCredential(registryOf(entry.getKey()), user, password));
            }
        }
        return result;
    }

    /** Normalises the keys people write: URLs, Docker Hub's aliases, trailing paths. */
    public static String registryOf(String key) {
        String k = key.trim();
        if (k.contains("://")) {
            URI uri = URI.create(k);
            k = uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
        } else if (k.contains("/")) {
            k = k.substring(0, k.indexOf('/'));
        }
        k = k.toLowerCase(Locale.ROOT);
        return switch (k) {
            case "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com" -> ImageReference.DOCKER_HUB;
            default -> k;
        };
    }
}
