/**
 * The provider SPI of Krustlet for the JVM.
 *
 * <p>A provider registers a {@link io.krustlet.api.ContainerRuntime} service; the kubelet core
 * finds it in the service registry and hands it one container at a time, described by plain
 * value types. Nothing here names a Kubernetes client type: the core translates pods into
 * these records, so a provider built against this package keeps working across core updates.
 *
 * <p>Versioning follows OSGi semantic versioning: a new method with a default, or a new type,
 * is a minor change; anything that breaks a provider is a major one.
 */
@Export
@Version("1.2.0")
package io.krustlet.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
