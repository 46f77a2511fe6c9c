/**
 * The pod status as the Kubernetes API's objects (core/v1, fabric8's model), mapped once for every
 * bundle that shows it: the core writes it to the API server (the pod's status subresource), the
 * HTTPS API serves it on {@code /pods}, so {@code kubectl get pod -o yaml} and the kubelet's own
 * endpoint report the same container states, restart counts, conditions, phase and reason.
 */
@Export
@Version("1.0.0")
package io.krustlet.core.status.objects;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
