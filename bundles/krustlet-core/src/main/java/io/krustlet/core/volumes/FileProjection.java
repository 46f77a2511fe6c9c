package io.krustlet.core.volumes;

/**
 * One file of a volume's payload.
 *
 * @param data the content
 * @param mode the permission bits (0644, ...)
 */
record FileProjection(byte[] data, int mode) {
}
