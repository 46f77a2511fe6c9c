package io.krustlet.core.pod;

import io.krustlet.api.ResourceLimits;
import java.util.List;
import java.util.Map;

/**
 * One container of a pod, already validated.
 *
 * @param name the container name
 * @param image the image reference
 * @param imagePullPolicy spec imagePullPolicy as written, or null for the default
 * @param command spec command (overrides the module's entry point), maybe empty
 * @param args spec args, maybe empty
 * @param env the environment, resolved, in declaration order
 * @param workingDir the working directory, or null
 * @param mounts the volume mounts
 * @param limits resources.limits
 */
public record ContainerDefinition(
        String name,
        String image,
        String imagePullPolicy,
        List<String> command,
        List<String> args,
        Map<String, String> env,
        String workingDir,
        List<VolumeMount> mounts,
        ResourceLimits limits) {

    public ContainerDefinition {
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(env));
        mounts = List.copyOf(mounts);
    }

    /**
     * The argument vector with Kubernetes' semantics: {@code command} replaces the entry point
     * and {@code args} follow it. A wasm module has no entry point of its own beyond {@code _start},
     * so without a command {@code argv[0]} is the container's name, as Krustlet did.
     */
    public List<String> argv() {
        List<String> argv = new java.util.ArrayList<>();
        if (command.isEmpty()) {
            argv.add(name);
        } else {
            argv.addAll(command);
        }
        argv.addAll(args);
        return argv;
    }

    /** A volume mount. */
    public record VolumeMount(String name, String mountPath, String subPath, boolean readOnly) {
    }
}
