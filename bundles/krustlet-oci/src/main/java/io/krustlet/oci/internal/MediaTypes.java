package io.krustlet.oci.internal;

import java.util.Set;

/** The media types of the OCI and Docker distribution formats, and of wasm artifacts. */
final class MediaTypes {

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";

    /** The layer type wasm-to-oci and Krustlet use. */
    static final String WASM_LAYER = "application/vnd.wasm.content.layer.v1+wasm";
    static final Set<String> WASM_LAYERS = Set.of(WASM_LAYER, "application/vnd.module.wasm.content.layer.v1+wasm",
            "application/wasm");
    static final String WASM_CONFIG = "application/vnd.wasm.config.v1+json";

    static final String ACCEPT = String.join(", ", OCI_MANIFEST, OCI_INDEX, DOCKER_MANIFEST, DOCKER_LIST);

    private MediaTypes() {
    }

    static boolean isIndex(String mediaType) {
        return OCI_INDEX.equals(mediaType) || DOCKER_LIST.equals(mediaType);
    }
}
