package io.krustlet.core.pod;

/**
 * A {@code resourceFieldRef}: one of a container's resources, as exposed through the downward API.
 *
 * @param containerName the container whose resources are read, or null for the container itself
 *     (env only; volumes always name it)
 * @param resource {@code limits.cpu}, {@code limits.memory}, {@code requests.cpu} or {@code requests.memory}
 * @param divisor the unit the value is given in, as a quantity string, or null for "1"
 */
public record ResourceFieldSpec(String containerName, String resource, String divisor) {
}
