package io.krustlet.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs the containers of pods for one runtime (for example {@code wasi}).
 *
 * <p>Register implementations as OSGi services with the service properties
 * {@link #RUNTIME_PROPERTY} and {@link #ARCH_PROPERTY}. When several services serve the same
 * runtime the core uses the one with the highest service ranking. A provider may leave at any
 * time: the core stops the containers it started through it before it lets go of the service.
 */
@ConsumerType
public interface ContainerRuntime {

    /** Service property: the runtime handler this provider serves, for example {@code wasi}. */
    String RUNTIME_PROPERTY = "krustlet.runtime";

    /** Service property: the node architecture this runtime implies, for example {@code wasm32-wasi}. */
    String ARCH_PROPERTY = "krustlet.arch";

    /** What this provider is, for node status and logs. */
    RuntimeInfo info();

    /**
     * Starts one container and returns at once; the module runs in the background.
     *
     * @param spec what to run
     * @param output where the container's stdout and stderr go; the provider closes neither
     * @return a handle to learn the exit of the container and to stop it
     * @throws ContainerStartException when the container cannot be started at all (for example
     *     an invalid module); its reason and message end up in the container's waiting state
     */
    ContainerHandle start(ContainerSpec spec, ContainerOutput output) throws ContainerStartException;
}
