package io.krustlet.api;

import java.io.OutputStream;

/**
 * Where a container's output goes. The core owns the streams: it writes them to the
 * container's log files (timestamped, size-capped, kept across node restarts), so every
 * provider's logs are served the same way.
 *
 * @param stdout the container's standard output
 * @param stderr the container's standard error
 */
public record ContainerOutput(OutputStream stdout, OutputStream stderr) {
}
