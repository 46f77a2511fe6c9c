package io.krustlet.core.pod;

/**
 * An {@code items} entry of a downwardAPI volume (or projection): exactly one of
 * {@code fieldPath} and {@code resource} is set.
 *
 * @param path the file's path relative to the volume
 * @param fieldPath a {@code fieldRef.fieldPath}, or null
 * @param resource a {@code resourceFieldRef}, or null
 * @param mode the file's mode, or null for the volume's default mode
 */
public record DownwardApiFile(String path, String fieldPath, ResourceFieldSpec resource, Integer mode) {
}
