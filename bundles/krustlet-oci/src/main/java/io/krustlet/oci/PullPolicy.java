package io.krustlet.oci;

/** imagePullPolicy, with Kubernetes' default. */
public enum PullPolicy {
    Always, IfNotPresent, Never;

    /** The API server's default: Always for {@code :latest} or no tag (and no digest), else IfNotPresent. */
    public static PullPolicy defaultFor(ImageReference ref) {
        return ref.digest() == null && "latest".equals(ref.tag()) ? Always : IfNotPresent;
    }

    /** Parses spec.containers[].imagePullPolicy, falling back to the default when empty. */
    public static PullPolicy parse(String value, ImageReference ref) {
        if (value == null || value.isBlank()) {
            return defaultFor(ref);
        }
        return valueOf(value.trim());
    }
}
