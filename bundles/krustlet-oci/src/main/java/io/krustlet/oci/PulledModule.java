package io.krustlet.oci;

import java.nio.file.Path;

/**
 * A module in the local store, verified against its digest.
 *
 * @param image the reference it was pulled for
 * @param file the module's bytes on disk; read only
 * @param layerDigest the digest of the wasm layer (the module's content digest)
 * @param imageId the image ID as Kubernetes reports it: {@code registry/repository@<manifest digest>}
 * @param pulled true when it came from the registry now, false when the store already had it
 */
public record PulledModule(ImageReference image, Path file, String layerDigest, String imageId, boolean pulled) {
}
