package io.krustlet.core.lifecycle;

import io.krustlet.core.pod.LaunchException;
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
import io.krustlet.core.modules.PullSecrets;
import io.krustlet.core.pod.ApiObjects;
import io.krustlet.core.pod.ApiUnavailableException;
import io.krustlet.core.pod.ContainerConfigException;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.DownwardApiValues;
import io.krustlet.core.pod.EnvResolver;
import io.krustlet.core.pod.NodeInfo;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.status.Reasons;
import io.krustlet.core.volumes.VolumeManager;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a container in the kubelet's order (the pod's volumes, the module, the environment,
 * the log file) and hands it to the provider.
 */
public final class RuntimeContainerLauncher implements ContainerLauncher {

    private static final Logger LOG = LoggerFactory.getLogger(RuntimeContainerLauncher.class);

    private final ModuleResolver modules;
    private final VolumeManager volumes;
    private final ContainerLogs logs;
    private final EnvResolver env;
    private final PullSecrets pullSecrets;
    private final PodEvents events;
    private final String hostIP;

    /**
     * @param api where ConfigMaps and Secrets for the environment come from
     * @param node for the downward API (status.hostIP, allocatable resources)
     */
    public RuntimeContainerLauncher(ModuleResolver modules, VolumeManager volumes, ContainerLogs logs, ApiObjects api,
            NodeInfo node) {
        this(modules, volumes, logs, api, node, PodEvents.NONE);
    }

    /** @param events where the Pulling and Pulled Events go */
    public RuntimeContainerLauncher(ModuleResolver modules, VolumeManager volumes, ContainerLogs logs, ApiObjects api,
            NodeInfo node, PodEvents events) {
        this.events = events;
        this.pullSecrets = new PullSecrets(api);
        this.modules = modules;
        this.volumes = volumes;
        this.logs = logs;
        this.env = new EnvResolver(api, new DownwardApiValues(node));
        this.hostIP = node.ip();
    }

    @Override
    public Launch launch(PodDefinition pod, ContainerDefinition container, int attempt, ContainerRuntime runtime)
            throws LaunchException {
        List<Mount> mounts = volumes.mounts(pod, container);
        ModuleResolver.ResolvedModule resolved = modules.resolve(container, pullSecrets.credentials(pod));
        reportPull(pod, container, resolved);
        ModuleRef module = resolved.module();
        Map<String, String> environment = environment(pod, container);
        CriLogFile log;
        try {
            log = logs.open(pod.namespace(), pod.name(), pod.uid(), container.name(), attempt);
        } catch (IOException e) {
            throw new LaunchException(Reasons.CREATE_CONTAINER_ERROR, "cannot open the container's log file: " + e);
        }
        var spec = new ContainerSpec(new ContainerId(pod.namespace(), pod.name(), pod.uid(), container.name(), attempt),
                module, container.argv(environment), environment, mounts, container.workingDir(), container.limits(),
                container.ports(), pod.annotations(), hostIP);
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

    private void reportPull(PodDefinition pod, ContainerDefinition container, ModuleResolver.ResolvedModule resolved) {
        String image = container.image();
        if (resolved.pullTime() == null) {
            events.normal(pod, container.name(), Reasons.PULLED,
                    "Container image \"" + image + "\" already present on machine");
        } else {
            // the pull is over before it can be told apart from a store hit, hence both at once
            events.normal(pod, container.name(), Reasons.PULLING, "Pulling image \"" + image + "\"");
            events.normal(pod, container.name(), Reasons.PULLED, String.format(java.util.Locale.ROOT,
                    "Successfully pulled image \"%s\" in %.3fs", image, resolved.pullTime().toMillis() / 1000.0));
        }
    }

    /** Resolved at each start, so a ConfigMap or Secret that appears later is used by the next attempt. */
    private Map<String, String> environment(PodDefinition pod, ContainerDefinition container) throws LaunchException {
        try {
            return env.resolve(pod, container);
        } catch (ContainerConfigException | ApiUnavailableException e) {
            // the kubelet's waiting reason, and its Event reason for a container that cannot be created
            throw new LaunchException(Reasons.CREATE_CONTAINER_CONFIG_ERROR, e.getMessage(), Reasons.FAILED);
        }
    }

    private static void closeQuietly(CriLogFile log) {
        try {
            log.close();
        } catch (IOException e) {
            LOG.warn("Cannot close log file {}", log.path(), e);
        }
    }
}
