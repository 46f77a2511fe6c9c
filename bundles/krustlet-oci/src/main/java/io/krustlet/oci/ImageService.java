package io.krustlet.oci;

import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** Pulls wasm modules into the node's module store, and pushes them. An OSGi service. */
@ProviderType
public interface ImageService {

    /**
     * Makes the module of {@code image} available locally, following the pull policy. Concurrent
     * pulls of one image share one download. Blocks until the module is there or the pull failed.
     *
     * <p>Interruptible (since 1.1): an interrupt of the calling thread ends its wait at once with
     * a {@link PullException} of kind {@link PullException.Kind#CANCELLED} (the thread's interrupt
     * flag set again); the shared download goes on for the other callers, and stops when none is
     * left waiting for it. The kubelet uses this to stop a pod whose image pull hangs.
     *
     * @param credentials credentials from the pod's imagePullSecrets; the node's own are added
     */
    PulledModule pull(String image, PullPolicy policy, List<RegistryCredential> credentials) throws PullException;

    /**
     * Pushes a .wasm file as an OCI artifact (wasm-to-oci and ORAS media types) and returns the
     * manifest digest.
     */
    String push(Path wasm, String image, List<RegistryCredential> credentials) throws PullException;
}
