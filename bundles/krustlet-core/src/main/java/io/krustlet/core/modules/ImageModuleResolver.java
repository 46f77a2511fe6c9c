package io.krustlet.core.modules;

import io.krustlet.api.ModuleRef;
import io.krustlet.core.pod.LaunchException;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.oci.ImageReference;
import io.krustlet.oci.ImageService;
import io.krustlet.oci.PullException;
import io.krustlet.oci.PullPolicy;
import io.krustlet.oci.PulledModule;
import io.krustlet.oci.RegistryCredential;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code fs/<path>} images from the node's disk, everything else from registries through the
 * image service, with the container's pull policy and the kubelet's waiting reasons.
 */
public final class ImageModuleResolver implements ModuleResolver {

    private final LocalModuleResolver local;
    private final Supplier<ImageService> images;

    /** @param images the image service present now, or null while there is none */
    public ImageModuleResolver(LocalModuleResolver local, Supplier<ImageService> images) {
        this.local = local;
        this.images = images;
    }

    @Override
    public ResolvedModule resolve(ContainerDefinition container, List<RegistryCredential> credentials)
            throws LaunchException {
        String image = container.image();
        if (LocalModuleResolver.isLocal(image)) {
            ModuleRef ref = local.resolve(image);
            return new ResolvedModule(ref, ref.digest());
        }
        ImageReference reference;
        PullPolicy policy;
        try {
            reference = ImageReference.parse(image);
            policy = PullPolicy.parse(container.imagePullPolicy(), reference);
        } catch (IllegalArgumentException e) {
            throw new LaunchException(INVALID_IMAGE_NAME, "Failed to apply default image tag \"" + image + "\": "
                    + e.getMessage());
        }
        ImageService service = images.get();
        if (service == null) {
            throw new LaunchException(ERR_IMAGE_PULL, "cannot pull image \"" + image
                    + "\": no image service is installed on this node (feature krustlet-core brings it)");
        }
        try {
            long start = System.nanoTime();
            PulledModule pulled = service.pull(image, policy, credentials);
            return new ResolvedModule(new ModuleRef(image, pulled.file(), pulled.layerDigest()), pulled.imageId(),
                    pulled.pulled() ? java.time.Duration.ofNanos(System.nanoTime() - start) : null);
        } catch (PullException e) {
            String reason = e.kind() == PullException.Kind.NOT_PRESENT ? ERR_IMAGE_NEVER_PULL
                    : e.kind() == PullException.Kind.INVALID_REFERENCE ? INVALID_IMAGE_NAME : ERR_IMAGE_PULL;
            throw new LaunchException(reason, "failed to pull image \"" + image + "\": " + describe(e));
        }
    }

    private static String describe(PullException e) {
        return switch (e.kind()) {
            case NOT_FOUND -> "not found: " + e.getMessage();
            case UNAUTHORIZED -> "unauthorized: " + e.getMessage();
            case INVALID_MODULE -> "not a wasm module: " + e.getMessage();
            case DIGEST_MISMATCH -> "digest mismatch: " + e.getMessage();
            case NETWORK -> "registry unreachable: " + e.getMessage();
            default -> e.getMessage();
        };
    }
}
