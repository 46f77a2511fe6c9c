package io.krustlet.oci.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.krustlet.oci.ImageReference;
import io.krustlet.oci.PullException;
import io.krustlet.oci.RegistryCredential;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Pushes a module as wasm-to-oci does: an OCI image manifest whose config has media type
 * {@code application/vnd.wasm.config.v1+json} and whose one layer is the module with
 * {@code application/vnd.wasm.content.layer.v1+wasm}. ORAS users can pull it by file name.
 */
final class ModulePusher {

    private final RegistryClient registry;
    private final ObjectMapper json = new ObjectMapper();

    ModulePusher(RegistryClient registry) {
        this.registry = registry;
    }

    String push(byte[] module, String fileName, ImageReference ref, Optional<RegistryCredential> credential)
            throws PullException {
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        String configDigest = Digests.of(config);
        String layerDigest = Digests.of(module);
        registry.pushBlob(ref, config, configDigest, credential);
        registry.pushBlob(ref, module, layerDigest, credential);
        ObjectNode manifest = json.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
        manifest.putObject("config").put("mediaType", MediaTypes.WASM_CONFIG).put("digest", configDigest)
                .put("size", config.length);
        ObjectNode layer = manifest.putArray("layers").addObject();
        layer.put("mediaType", MediaTypes.WASM_LAYER).put("digest", layerDigest).put("size", module.length);
        layer.putObject("annotations").put("org.opencontainers.image.title", fileName);
        byte[] body;
        try {
            body = json.writeValueAsBytes(manifest);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        registry.pushManifest(ref, ref.reference(), MediaTypes.OCI_MANIFEST, body, credential);
        return Digests.of(body);
    }
}
