package io.krustlet.core.lifecycle;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.runtime.Provider;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.Reasons;
import java.time.Instant;

/**
 * One container of a pod across its runs: its place in the machine ({@link RunState}), the state
 * the API shows, and what its current run holds. Touched only inside its pod worker's queue.
 */
final class ContainerRun {

    final ContainerDefinition def;
    final boolean init;
    final RestartBackoff backoff = new RestartBackoff();

    private RunState runState = RunState.WAITING_TURN;
    /** What the API shows; changes with the run state, but also carries reasons and messages. */
    ContainerState shown;
    ContainerState.Terminated lastState;
    int restartCount;
    boolean everStarted;
    String imageId = "";
    Instant startedAt;

    /** The launch in progress, in {@link RunState#LAUNCHING}. */
    LaunchJob launching;
    /** The started container, in the states that hold one. */
    ContainerLauncher.Launch launch;
    ContainerRuntime provider;
    /** The handler the current launch resolved to. */
    String launchHandler;
    /** The provider that left while this container ran on it, until its successor or its end is known. */
    Provider leftBy;
    /**
     * The successor this run was carried over to (carry-over: it still runs on the revision that
     * left): that provider's departure and end decide its fate as if it ran on it. Null otherwise.
     */
    Provider carriedOnto;
    /** {@link #leftBy} is gone for good and this run is being stopped for it (carry-over). */
    boolean leftForGood;
    /** The probes of the current run, or null. */
    ProbeState readiness;
    ProbeState liveness;
    /** The retry timer in {@link RunState#BACK_OFF}. */
    Timers.Cancellable retry;
    /** The switch from ErrImagePull to ImagePullBackOff, after a failed pull. */
    Timers.Cancellable pullBackOff;

    /** @param waitsForInit whether app containers wait for init containers (PodInitializing) */
    ContainerRun(ContainerDefinition def, boolean init, boolean waitsForInit) {
        this.def = def;
        this.init = init;
        this.shown = new ContainerState.Waiting(!init && waitsForInit ? Reasons.POD_INITIALIZING
                : Reasons.CONTAINER_CREATING, null);
    }

    RunState state() {
        return runState;
    }

    boolean is(RunState state) {
        return runState == state;
    }

    /**
     * Moves to {@code target}.
     *
     * @throws IllegalStateException when the machine has no such transition: a bug in the worker,
     *     which its queue logs without wedging the pod
     */
    void moveTo(RunState target) {
        if (!runState.canMoveTo(target)) {
            throw new IllegalStateException("container " + def.name() + ": no transition " + runState + " -> " + target);
        }
        runState = target;
    }

    /** Calls off the timers of a waiting container. */
    void cancelTimers() {
        if (retry != null) {
            retry.cancel();
            retry = null;
        }
        if (pullBackOff != null) {
            pullBackOff.cancel();
            pullBackOff = null;
        }
    }

    /** The restart count the next run gets: 0 for the first, one more than the last otherwise. */
    int nextAttempt() {
        return everStarted ? restartCount + 1 : 0;
    }

    /** Takes over what an earlier run of the node reported for this container (node restart). */
    void restore(ContainerStatus status) {
        restartCount = status.restartCount();
        lastState = status.lastState();
        imageId = status.imageId() == null ? "" : status.imageId();
        shown = status.state();
        everStarted = restartCount > 0 || lastState != null || !(shown instanceof ContainerState.Waiting);
    }

    /** Stops the probes of the current run. */
    void stopProbes() {
        if (readiness != null) {
            readiness.stop();
        }
        if (liveness != null) {
            liveness.stop();
        }
    }

    /** Running, and its readiness probe (if it has one) passes: the kubelet's {@code ready}. */
    ContainerStatus status() {
        boolean running = shown instanceof ContainerState.Running;
        boolean ready = running && (def.readinessProbe() == null || readiness != null && readiness.passing());
        return new ContainerStatus(def.name(), def.image(), imageId, shown, lastState, restartCount, ready, running);
    }
}
