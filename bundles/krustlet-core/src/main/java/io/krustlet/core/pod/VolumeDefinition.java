package io.krustlet.core.pod;

import java.util.Objects;

/**
 * A pod volume.
 *
 * @param name the volume's name
 * @param source what it contains
 */
public record VolumeDefinition(String name, VolumeSource source) {

    public VolumeDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
    }

    /** The volume type as in the pod spec (hostPath, emptyDir, configMap, ...). */
    public String type() {
        return source.type();
    }
}
