package io.krustlet.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Runs the containers of pods for one runtime (for example {@code wasi}).
 *
 * <p>Register implementations as OSGi services with the service properties
 * {@link #RUNTIME_PROPERTY} and {@link #ARCH_PROPERTY} (and, optionally, {@link #UPGRADE_PROPERTY}).
 * When several services serve the same runtime the core uses the one with the highest service
 * ranking. A pod picks its runtime through its RuntimeClass's {@code handler}; the core's default
 * runtime serves pods without one.
 *
 * <h2>Threading</h2>
 * <ul>
 * <li>{@link #start} is called on one of the core's launch threads, never on a pod worker's
 * queue, after the image is pulled and the volumes are ready. It may block while it prepares the
 * container (reading and compiling the module), but must return as soon as the container runs:
 * the container itself runs on the provider's own threads. The launch thread is interrupted when
 * the pod is deleted meanwhile; a provider should then give up and throw.</li>
 * <li>{@link ContainerHandle#exit()} may complete on any thread (typically the container's own);
 * the core only posts the exit to the pod's queue from there, so it never blocks that thread.</li>
 * <li>{@link ContainerHandle#stop} is called from a pod worker's queue and must not block: it asks
 * the container to stop and returns; the exit follows within the grace period.</li>
 * <li>{@link ContainerHandle#usage()} is called from HTTP threads (stats, metrics) while the
 * container runs, possibly every few seconds for every container: it must be cheap (no I/O, no
 * locks held by the container) and must not block.</li>
 * <li>{@link #info()} is called when the node reports its status; cheap, any thread.</li>
 * </ul>
 *
 * <h2>Leaving and upgrades</h2>
 * A provider may leave at any time (its bundle stopped, updated, refreshed or uninstalled). With
 * the default {@link #UPGRADE_RESTART}, the core stops the containers it started through it with
 * the pod's grace period when the service unregisters, and starts them again on the next provider
 * of the runtime (a restart, counted in the container's restartCount, its lastState telling why);
 * the provider's deactivation should also stop whatever still runs, so that no container outlives
 * the bundle's class loader. A provider whose containers can outlive its service (their state
 * lives outside its class loader, or it accepts that the old revision stays loaded while they run)
 * may declare {@link #UPGRADE_CARRY_OVER}: then the core leaves them running when the service
 * unregisters, starts new containers on the successor, and stops the carried ones only if no
 * successor arrives (the bundle was uninstalled, or did not come back within 30 s). Such a provider
 * must not stop its containers in its deactivation.
 */
@ConsumerType
public interface ContainerRuntime {

    /** Service property: the runtime handler this provider serves, for example {@code wasi}. */
    String RUNTIME_PROPERTY = "krustlet.runtime";

    /** Service property: the node architecture this runtime implies, for example {@code wasm32-wasi}. */
    String ARCH_PROPERTY = "krustlet.arch";

    /**
     * Service property: what the node does with this provider's running containers when it
     * leaves, {@link #UPGRADE_RESTART} (the default) or {@link #UPGRADE_CARRY_OVER}.
     *
     * @since 1.2
     */
    String UPGRADE_PROPERTY = "krustlet.upgrade";

    /** Containers are stopped when the provider leaves and restarted on its successor. @since 1.2 */
    String UPGRADE_RESTART = "restart";

    /** Containers keep running on the departing revision until they end. @since 1.2 */
    String UPGRADE_CARRY_OVER = "carry-over";

    /** What this provider is, for node status and logs. */
    RuntimeInfo info();

    /**
     * Starts one container and returns as soon as it runs; the module runs in the background.
     * Called on a launch thread (see the class documentation); may block while preparing.
     *
     * @param spec what to run
     * @param output where the container's stdout and stderr go; the provider closes neither
     * @return a handle to learn the exit of the container and to stop it
     * @throws ContainerStartException when the container cannot be started at all (for example
     *     an invalid module); its reason and message end up in the container's waiting state
     */
    ContainerHandle start(ContainerSpec spec, ContainerOutput output) throws ContainerStartException;
}
