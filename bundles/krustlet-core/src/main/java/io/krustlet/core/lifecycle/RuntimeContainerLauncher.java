package io.krustlet.core.lifecycle;

import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerId;
import io.krustlet.api.ContainerOutput;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.ModuleRef;
import io.krustlet.api.Mount;
import io.krustlet.core.logs.ContainerLogs;
import io.krustlet.core.logs.CriLogFile;
import io.krustlet.core.modules.ModuleResolver;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.volumes.VolumeManager;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Resolves the module, prepares mounts and log files, and hands the container to the provider. */
public final class RuntimeContainerLauncher implements ContainerLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeContainerLauncher.class);

    private final ModuleResolver modules;
    private final VolumeManager volumes;
    private final ContainerLogs logs;

    public RuntimeContainerLauncher(ModuleResolver modules, VolumeManager volumes, ContainerLogs logs) {
        this.modules = modules;
        this.volumes = volumes;
        this.logs = logs;
    }

    @Override
    public Launch launch(PodDefinition pod, ContainerDefinition container, int attempt, ContainerRuntime runtime)
            throws LaunchException {
        ModuleResolver.ResolvedModule resolved = modules.resolve(container);
        ModuleRef module = resolved.module();
        List<Mount> mounts = volumes.mounts(pod, container);
        CriLogFile log;
        try {
            log = logs.open(pod.namespace(), pod.name(), pod.uid(), container.name(), attempt);
        } catch (IOException e) {
            throw new LaunchException("CreateContainerError", "cannot open the container's log file: " + e);
        }
        var spec = new ContainerSpec(new ContainerId(pod.namespace(), pod.name(), pod.uid(), container.name(), attempt),
                module, container.argv(), container.env(), mounts, container.workingDir(), container.limits());
        ContainerHandle handle;
        try {
            handle = runtime.start(spec, new ContainerOutput(log.stdout(), log.stderr()));
        } catch (ContainerStartException e) {
            closeQuietly(log);
            throw new LaunchException(e.reason(), e.getMessage());
        } catch (RuntimeException e) {
            closeQuietly(log);
            throw e;
        }
        return new Launch() {
            @Override
            public ContainerHandle handle() {
                return handle;
            }

            @Override
            public String imageId() {
                return resolved.imageId();
            }

            @Override
            public String finish() {
                closeQuietly(log);
                return log.lastLine();
            }
        };
    }

    private static void closeQuietly(CriLogFile log) {
        try {
            log.close();
        } catch (IOException e) {
            LOG.warn("Cannot close log file {}", log.path(), e);
        }
    }
}
