package io.krustlet.core.modules;

import io.krustlet.api.ModuleRef;
import io.krustlet.core.pod.LaunchException;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.oci.RegistryCredential;
import java.util.List;

/** Turns a container's image into a local, verified module. May block while it pulls. */
public interface ModuleResolver {

    /** The kubelet's waiting reason for an image that cannot be had. */
    String ERR_IMAGE_PULL = io.krustlet.core.status.Reasons.ERR_IMAGE_PULL;
    /** The waiting reason while the kubelet waits to retry a failed pull. */
    String IMAGE_PULL_BACK_OFF = io.krustlet.core.status.Reasons.IMAGE_PULL_BACK_OFF;
    /** The reason for an image reference that is not valid. */
    String INVALID_IMAGE_NAME = io.krustlet.core.status.Reasons.INVALID_IMAGE_NAME;
    /** The reason for imagePullPolicy Never and an image the node does not have. */
    String ERR_IMAGE_NEVER_PULL = io.krustlet.core.status.Reasons.ERR_IMAGE_NEVER_PULL;

    /**
     * @param credentials registry credentials from the pod's imagePullSecrets (the node's own
     *     are added by the image service)
     */
    ResolvedModule resolve(ContainerDefinition container, List<RegistryCredential> credentials)
            throws LaunchException;

    /**
     * A module ready to run.
     *
     * @param module what the provider gets (its digest is the module's content digest)
     * @param imageId the image ID the status reports
     * @param pullTime how long it took to pull it now, or null when the node already had it
     */
    record ResolvedModule(ModuleRef module, String imageId, java.time.Duration pullTime) {
        public ResolvedModule(ModuleRef module, String imageId) {
            this(module, imageId, null);
        }
    }
}
