package io.krustlet.core.pod;

/**
 * An {@code items} entry of a configMap, secret or projected volume: which key goes to which file.
 *
 * @param key the key in the object
 * @param path the file's path relative to the volume
 * @param mode the file's mode, or null for the volume's default mode
 */
public record KeyToPath(String key, String path, Integer mode) {
}
