package io.krustlet.core.pod;

import java.util.List;

/** Where a pod volume's content comes from, one record per volume type of the pod spec. */
public sealed interface VolumeSource {

    /** The kubelet's default file mode for configMap, secret, downwardAPI and projected volumes (0644). */
    int DEFAULT_MODE = 0644;

    /** The type's name as in the pod spec ({@code hostPath}, {@code configMap}, ...). */
    String type();

    /** An existing directory of the node. */
    record HostPath(String path) implements VolumeSource {
        @Override
        public String type() {
            return "hostPath";
        }
    }

    /**
     * A fresh directory that lives as long as the pod.
     *
     * @param sizeLimit {@code sizeLimit} as written (a quantity), or null
     */
    record EmptyDir(String sizeLimit) implements VolumeSource {
        @Override
        public String type() {
            return "emptyDir";
        }
    }

    /** The keys of a ConfigMap as files. */
    record ConfigMap(String name, List<KeyToPath> items, int defaultMode, boolean optional)
            implements VolumeSource, Projection {
        public ConfigMap {
            items = List.copyOf(items);
        }

        @Override
        public String type() {
            return "configMap";
        }
    }

    /** The keys of a Secret as files. */
    record Secret(String secretName, List<KeyToPath> items, int defaultMode, boolean optional)
            implements VolumeSource, Projection {
        public Secret {
            items = List.copyOf(items);
        }

        @Override
        public String type() {
            return "secret";
        }
    }

    /** Pod fields and container resources as files. */
    record DownwardApi(List<DownwardApiFile> items, int defaultMode) implements VolumeSource, Projection {
        public DownwardApi {
            items = List.copyOf(items);
        }

        @Override
        public String type() {
            return "downwardAPI";
        }
    }

    /**
     * Several sources in one directory. The sources' own default modes are not used: the
     * projected volume's {@code defaultMode} applies to every file without an item mode.
     */
    record Projected(List<Projection> sources, int defaultMode) implements VolumeSource {
        public Projected {
            sources = List.copyOf(sources);
        }

        @Override
        public String type() {
            return "projected";
        }

        public boolean hasServiceAccountToken() {
            return sources.stream().anyMatch(ServiceAccountTokenProjection.class::isInstance);
        }
    }

    /** A volume type this node cannot provide; an API pod with one waits with a clear message. */
    record Unsupported(String type) implements VolumeSource {
    }

    /** One source of a projected volume. */
    sealed interface Projection {
    }

    /**
     * A token of the pod's service account, obtained through the TokenRequest API.
     *
     * @param audience the intended audience, or "" for the API server's default
     * @param expirationSeconds the requested lifetime
     * @param path the file's path relative to the volume
     */
    record ServiceAccountTokenProjection(String audience, long expirationSeconds, String path) implements Projection {
        /** The API server's default lifetime (1 hour). */
        public static final long DEFAULT_EXPIRATION_SECONDS = 3600;
    }
}
