package io.krustlet.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A module the core has already fetched and verified.
 *
 * @param image the image reference as written in the pod spec
 * @param file a local file holding the module's bytes; read it, never change it
 * @param digest the content digest of those bytes, {@code sha256:<hex>}; equal digests mean
 *     equal bytes, so providers may cache whatever they derive from the module by it
 */
public record ModuleRef(String image, Path file, String digest) {
    public ModuleRef {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(digest, "digest");
    }
}
