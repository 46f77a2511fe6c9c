/**
 * The kubelet's view of its pods, for the bundles beside the core (shell, HTTP API).
 *
 * <p>Immutable snapshots in the terms of a Kubernetes PodStatus, without fabric8 types.
 */
@Export
@Version("1.2.0")
package io.krustlet.core.status;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
