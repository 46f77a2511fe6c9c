package io.krustlet.core.pod;

/**
 * A pod volume the node knows how to provide.
 *
 * @param name the volume's name
 * @param type the volume type as in the pod spec (hostPath, emptyDir, ...)
 * @param hostPath for hostPath volumes, the path on the node; otherwise null
 */
public record VolumeDefinition(String name, String type, String hostPath) {
    public static final String HOST_PATH = "hostPath";
    public static final String EMPTY_DIR = "emptyDir";
}
