package io.krustlet.oci.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** sha256 digests in the {@code sha256:<hex>} form registries use. */
final class Digests {

    private Digests() {
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    static String of(byte[] bytes) {
        return format(sha256().digest(bytes));
    }

    static String format(byte[] digest) {
        return "sha256:" + HexFormat.of().formatHex(digest);
    }

    static String hex(String digest) {
        if (!digest.matches("sha256:[a-f0-9]{64}")) {
            throw new IllegalArgumentException("unsupported digest " + digest);
        }
        return digest.substring("sha256:".length());
    }
}
