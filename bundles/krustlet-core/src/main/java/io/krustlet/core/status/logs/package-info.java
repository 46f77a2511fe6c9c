/**
 * The one reader of the container logs the core writes in the CRI format
 * ({@code <RFC3339Nano time> <stdout|stderr> <P|F> <text>}, a line longer than the writer's cap split
 * into partial records): rotated files oldest first, partial records joined into lines, the CRI
 * prefix removed, with kubectl's tail, since, timestamps, byte limit and follow. The HTTPS API's
 * {@code /containerLogs} and the shell's {@code krustlet:logs} both read through it, so they tell
 * the same truth.
 */
@Export
@Version("1.0.0")
package io.krustlet.core.status.logs;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
