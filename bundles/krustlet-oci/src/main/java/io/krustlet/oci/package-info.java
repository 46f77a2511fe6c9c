/**
 * Wasm modules from OCI registries: references, pull policies, the image service the kubelet
 * uses to turn an image into a verified local module, and push.
 */
@Export
@Version("1.1.0")
package io.krustlet.oci;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
