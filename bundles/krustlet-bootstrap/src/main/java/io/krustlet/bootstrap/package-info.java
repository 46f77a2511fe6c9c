/**
 * What the TLS bootstrap offers the rest of the node besides its files: the
 * {@link io.krustlet.bootstrap.NodeCredentials} service.
 */
@Export
@Version("1.0.0")
package io.krustlet.bootstrap;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
