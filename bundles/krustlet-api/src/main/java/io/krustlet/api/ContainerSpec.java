package io.krustlet.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a provider needs to run one container.
 *
 * @param id which container and which run of it
 * @param module the module to run, already fetched and verified
 * @param argv the full argument vector, {@code argv[0]} included, built with Kubernetes'
 *     command/args semantics
 * @param env the environment in declaration order, references already resolved
 * @param mounts the directories to preopen
 * @param workingDir the working directory the container asked for, or {@code null}
 * @param limits the resource limits
 * @param ports the ports the container declares, in order (since 1.2)
 * @param annotations the pod's annotations, for provider settings such as a route (since 1.2)
 * @param hostIP the node's address, which is also the pod's (wasm pods share the host network);
 *     empty when the node does not know it (since 1.2)
 */
public record ContainerSpec(
        ContainerId id,
        ModuleRef module,
        List<String> argv,
        Map<String, String> env,
        List<Mount> mounts,
        String workingDir,
        ResourceLimits limits,
        List<ContainerPort> ports,
        Map<String, String> annotations,
        String hostIP) {

    public ContainerSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(module, "module");
        argv = List.copyOf(argv);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        mounts = List.copyOf(mounts);
        limits = limits == null ? ResourceLimits.NONE : limits;
        ports = ports == null ? List.of() : List.copyOf(ports);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        hostIP = hostIP == null ? "" : hostIP;
    }

    /** A container without ports, annotations or a known host address (the 1.1 shape). */
    public ContainerSpec(ContainerId id, ModuleRef module, List<String> argv, Map<String, String> env,
            List<Mount> mounts, String workingDir, ResourceLimits limits) {
        this(id, module, argv, env, mounts, workingDir, limits, List.of(), Map.of(), "");
    }
}
