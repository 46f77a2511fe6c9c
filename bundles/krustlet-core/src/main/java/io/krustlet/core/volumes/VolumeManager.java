package io.krustlet.core.volumes;

import io.krustlet.api.Mount;
import io.krustlet.core.lifecycle.LaunchException;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.VolumeDefinition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Provides pod volumes as host directories, laid out like the kubelet's
 * ({@code <dataDir>/pods/<uid>/volumes/<plugin>/<name>}), and turns volume mounts into
 * directories for the provider to preopen.
 */
public final class VolumeManager {

    /** The kubelet's waiting reason for a container whose config cannot be built. */
    public static final String CONFIG_ERROR = "CreateContainerConfigError";

    private final Path podsDir;

    public VolumeManager(Path podsDir) {
        this.podsDir = podsDir;
    }

    public List<Mount> mounts(PodDefinition pod, ContainerDefinition container) throws LaunchException {
        List<Mount> mounts = new ArrayList<>();
        for (ContainerDefinition.VolumeMount m : container.mounts()) {
            VolumeDefinition volume = pod.volumes().stream().filter(v -> v.name().equals(m.name())).findFirst()
                    .orElseThrow(() -> new LaunchException(CONFIG_ERROR, "volume \"" + m.name() + "\" not found"));
            Path dir = volumeDir(pod, volume);
            if (m.subPath() != null) {
                dir = dir.resolve(m.subPath()).normalize();
                createDirectories(dir, volume);
            }
            mounts.add(new Mount(m.mountPath(), dir, m.readOnly()));
        }
        return mounts;
    }

    private Path volumeDir(PodDefinition pod, VolumeDefinition volume) throws LaunchException {
        if (VolumeDefinition.HOST_PATH.equals(volume.type())) {
            Path dir = Path.of(volume.hostPath());
            if (!Files.isDirectory(dir)) {
                throw new LaunchException(CONFIG_ERROR, "hostPath volume \"" + volume.name() + "\": " + dir
                        + " is not a directory on this node");
            }
            return dir;
        }
        Path dir = podsDir.resolve(pod.uid()).resolve("volumes").resolve("kubernetes.io~empty-dir").resolve(volume.name());
        createDirectories(dir, volume);
        return dir;
    }

    private static void createDirectories(Path dir, VolumeDefinition volume) throws LaunchException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new LaunchException(CONFIG_ERROR, "volume \"" + volume.name() + "\": cannot create " + dir + ": " + e);
        }
    }
}
