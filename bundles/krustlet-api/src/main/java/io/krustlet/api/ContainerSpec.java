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
 */
public record ContainerSpec(
        ContainerId id,
        ModuleRef module,
        List<String> argv,
        Map<String, String> env,
        List<Mount> mounts,
        String workingDir,
        ResourceLimits limits) {

    public ContainerSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(module, "module");
        argv = List.copyOf(argv);
        env = Collections.unmodifiableMap(new LinkedHashMap<>(env));
        mounts = List.copyOf(mounts);
        limits = limits == null ? ResourceLimits.NONE : limits;
    }
}
