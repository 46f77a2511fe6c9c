package io.krustlet.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A host directory made visible to the container.
 *
 * @param guestPath the absolute path the module sees (the volume mount's {@code mountPath})
 * @param hostPath the directory on the node
 * @param readOnly whether the container may only read it
 */
public record Mount(String guestPath, Path hostPath, boolean readOnly) {
    public Mount {
        Objects.requireNonNull(guestPath, "guestPath");
        Objects.requireNonNull(hostPath, "hostPath");
    }
}
