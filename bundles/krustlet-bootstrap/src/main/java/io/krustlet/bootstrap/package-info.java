/**
 * What the TLS bootstrap offers the rest of the node besides its files: the
 * {@link io.krustlet.bootstrap.NodeCredentials} service, and the rules every bundle that speaks
 * for the node follows to find its kubeconfig ({@link io.krustlet.bootstrap.NodeKubeconfig}) and its
 * address ({@link io.krustlet.bootstrap.NodeAddresses}), who it is
 * ({@link io.krustlet.bootstrap.NodeIdentity}), and how {@code KRUSTLET_*} variables override a
 * bundle's settings ({@link io.krustlet.bootstrap.EnvironmentOverrides}).
 */
@Export
@Version("1.2.0")
package io.krustlet.bootstrap;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
