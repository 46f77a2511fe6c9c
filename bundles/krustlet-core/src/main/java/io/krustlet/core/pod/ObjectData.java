package io.krustlet.core.pod;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/** The content of ConfigMaps and Secrets as the kubelet sees it. */
public final class ObjectData {

    private ObjectData() {
    }

    /** A ConfigMap's {@code data} and {@code binaryData} (base64 in the API), as files get them. */
    public static Map<String, byte[]> configMapBytes(ConfigMap configMap) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        if (configMap.getData() != null) {
            configMap.getData().forEach((k, v) -> result.put(k, v == null ? new byte[0] : v.getBytes(StandardCharsets.UTF_8)));
        }
        if (configMap.getBinaryData() != null) {
            configMap.getBinaryData().forEach((k, v) -> result.put(k, decode(v)));
        }
        return result;
    }

    /**
     * A Secret's {@code data} (base64 in the API). {@code stringData} is write-only and merged
     * into {@code data} by the API server; it is honoured too for servers (and mocks) that hand it back.
     */
    public static Map<String, byte[]> secretBytes(Secret secret) {
        Map<String, byte[]> result = new LinkedHashMap<>();
        if (secret.getData() != null) {
            secret.getData().forEach((k, v) -> result.put(k, decode(v)));
        }
        if (secret.getStringData() != null) {
            secret.getStringData().forEach((k, v) -> result.put(k, v == null ? new byte[0] : v.getBytes(StandardCharsets.UTF_8)));
        }
        return result;
    }

    /** A Secret's values as strings, for environment variables. */
    public static Map<String, String> secretStrings(Secret secret) {
        Map<String, String> result = new LinkedHashMap<>();
        secretBytes(secret).forEach((k, v) -> result.put(k, new String(v, StandardCharsets.UTF_8)));
        return result;
    }

    private static byte[] decode(String base64) {
        return base64 == null ? new byte[0] : Base64.getMimeDecoder().decode(base64);
    }
}
