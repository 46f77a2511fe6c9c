package io.krustlet.core.pod;

import io.krustlet.api.ResourceLimits;
import java.util.ArrayList;
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
 * @param env spec env, in declaration order; resolved when the container starts ({@link EnvResolver})
 * @param workingDir the working directory, or null
 * @param mounts the volume mounts
 * @param limits resources.limits, as the provider gets them
 * @param envFrom spec envFrom, in declaration order
 * @param resources resources.limits and requests as quantities, for the downward API
 * @param ports spec ports, in order
 * @param readinessProbe spec readinessProbe, or null
 * @param livenessProbe spec livenessProbe, or null
 */
public record ContainerDefinition(
        String name,
        String image,
        String imagePullPolicy,
        List<String> command,
        List<String> args,
        List<EnvVarSpec> env,
        String workingDir,
        List<VolumeMount> mounts,
        ResourceLimits limits,
        List<EnvFromSpec> envFrom,
        ContainerResources resources,
        List<io.krustlet.api.ContainerPort> ports,
        ProbeDefinition readinessProbe,
        ProbeDefinition livenessProbe) {

    public ContainerDefinition {
        command = List.copyOf(command);
        args = List.copyOf(args);
        env = List.copyOf(env);
        mounts = List.copyOf(mounts);
        envFrom = List.copyOf(envFrom);
        ports = ports == null ? List.of() : List.copyOf(ports);
    }

    /** A container without ports or probes. */
    public ContainerDefinition(String name, String image, String imagePullPolicy, List<String> command,
            List<String> args, List<EnvVarSpec> env, String workingDir, List<VolumeMount> mounts,
            ResourceLimits limits, List<EnvFromSpec> envFrom, ContainerResources resources) {
        this(name, image, imagePullPolicy, command, args, env, workingDir, mounts, limits, envFrom, resources,
                List.of(), null, null);
    }

    /** The port a probe names: a number, or the name of one of this container's ports. */
    public java.util.OptionalInt port(String numberOrName) {
        if (numberOrName.chars().allMatch(Character::isDigit) && !numberOrName.isEmpty()) {
            return java.util.OptionalInt.of(Integer.parseInt(numberOrName));
        }
        return ports.stream().filter(p -> p.name().equals(numberOrName))
                .mapToInt(io.krustlet.api.ContainerPort::containerPort).findFirst();
    }

    /**
     * A container with plain {@code value} variables only (no envFrom, no resources beyond the
     * limits), for callers that build definitions by hand.
     */
    public ContainerDefinition(String name, String image, String imagePullPolicy, List<String> command,
            List<String> args, Map<String, String> env, String workingDir, List<VolumeMount> mounts,
            ResourceLimits limits) {
        this(name, image, imagePullPolicy, command, args, literals(env), workingDir, mounts, limits, List.of(),
                ContainerResources.NONE, List.of(), null, null);
    }

    private static List<EnvVarSpec> literals(Map<String, String> env) {
        List<EnvVarSpec> result = new ArrayList<>();
        env.forEach((k, v) -> result.add(new EnvVarSpec.Literal(k, v)));
        return result;
    }

    /**
     * The argument vector with Kubernetes' semantics: {@code command} replaces the entry point
     * and {@code args} follow it. A wasm module has no entry point of its own beyond {@code _start},
     * so without a command {@code argv[0]} is the container's name, as Krustlet did.
     */
    public List<String> argv() {
        List<String> argv = new ArrayList<>();
        if (command.isEmpty()) {
            argv.add(name);
        } else {
            argv.addAll(command);
        }
        argv.addAll(args);
        return argv;
    }

    /**
     * {@link #argv()} with {@code $(VAR)} references to the container's environment expanded in
     * command and args, as the kubelet does (a reference to an unknown variable stays as written).
     */
    public List<String> argv(Map<String, String> environment) {
        List<String> argv = new ArrayList<>();
        if (command.isEmpty()) {
            argv.add(name);
        } else {
            command.forEach(c -> argv.add(EnvResolver.expand(c, environment)));
        }
        args.forEach(a -> argv.add(EnvResolver.expand(a, environment)));
        return argv;
    }

    /** A volume mount. */
    public record VolumeMount(String name, String mountPath, String subPath, boolean readOnly) {
    }
}
