package io.krustlet.core.lifecycle;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.runtime.Provider;
import io.krustlet.core.runtime.UpgradeStrategy;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.Reasons;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container transitions of one pod ({@link RunState}; the table is in this package's
 * documentation): launches and their outcomes, exits and the restart rule, back-off, preemption
 * by a leaving provider. Pod-level consequences go back to the worker through {@link PodSide}.
 * Runs inside the worker's queue only.
 */
final class ContainerMachine {

    private static final Logger LOG = LoggerFactory.getLogger(PodWorker.class);
    /** How long ErrImagePull shows before ImagePullBackOff, as the kubelet's image back-off does. */
    static final Duration IMAGE_PULL_BACK_OFF_AFTER = Duration.ofSeconds(1);

    /** A started container, as threads outside the queue see it (stats, provider counts). */
    record Running(ContainerHandle handle, ContainerRuntime provider) {
    }

    /** What the container machine needs of its pod. */
    interface PodSide {
        PodStage stage();

        /** The grace period of the stop under way. */
        Duration stopGrace();

        /** An init container completed: run the next one, or the apps. */
        void initCompleted();

        /** An init container failed for good (restartPolicy Never). */
        void initFailed(ContainerRun run);

        /** A container of a stopping pod ended or never started: the pod may be STOPPED now. */
        void stopProgressed();

        void publish();
    }

    private final PodDefinition pod;
    private final RuntimeBinding runtime;
    private final WorkerServices services;
    private final LifecycleEvents events;
    private final SerialQueue queue;
    private final RunningContainers running;
    private final PodSide side;

    ContainerMachine(PodDefinition pod, RuntimeBinding runtime, WorkerServices services, LifecycleEvents events,
            SerialQueue queue, RunningContainers running, PodSide side) {
        this.pod = pod;
        this.runtime = runtime;
        this.services = services;
        this.events = events;
        this.queue = queue;
        this.running = running;
        this.side = side;
    }

    /**
     * WAITING_TURN, AWAITING_RUNTIME, BACK_OFF, PREEMPTING, or LAUNCHING refused by a provider that
     * left -> LAUNCHING or AWAITING_RUNTIME.
     */
    void launch(ContainerRun run) {
        if (side.stage().ending()) {
            return;
        }
        run.cancelTimers();
        RuntimeBinding.Resolution resolution = runtime.resolve();
        Optional<ContainerRuntime> provider = resolution.handler() == null ? Optional.empty()
                : services.runtimes().find(resolution.handler());
        if (provider.isEmpty()) {
            awaitRuntime(run, resolution);
            return;
        }
        run.moveTo(RunState.LAUNCHING);
        run.launchHandler = resolution.handler();
        run.shown = new ContainerState.Waiting(Reasons.CONTAINER_CREATING, null);
        int attempt = run.nextAttempt();
        ContainerRuntime target = provider.get();
        LaunchJob job = new LaunchJob(target, () -> services.launcher().launch(pod, run.def, attempt, target),
                new LaunchJob.Outcome() {
                    @Override
                    public void launched(ContainerLauncher.Launch launch) {
                        queue.post(() -> onLaunched(run, launch, attempt));
                    }

                    @Override
                    public void failed(String reason, String message, String eventReason, boolean cancelled) {
                        queue.post(() -> onLaunchFailed(run, reason, message, eventReason));
                    }
                });
        run.launching = job;
        try {
            services.launchExecutor().execute(job);
        } catch (RejectedExecutionException e) {
            // the node is shutting down: the launch never happens, and the worker must not wait for it
            queue.post(() -> onLaunchFailed(run, Reasons.CREATE_CONTAINER_ERROR, "the node is shutting down", null));
        }
    }

    /**
     * -> AWAITING_RUNTIME: the pod's RuntimeClass does not resolve (the kubelet's sandbox failure),
     * or no provider serves its handler. One Event per wait, not per retry.
     */
    private void awaitRuntime(ContainerRun run, RuntimeBinding.Resolution resolution) {
        boolean newWait = !run.is(RunState.AWAITING_RUNTIME);
        if (newWait) {
            run.moveTo(RunState.AWAITING_RUNTIME);
        }
        ContainerState.Waiting waiting = resolution.error() != null
                ? new ContainerState.Waiting(Reasons.CONTAINER_CREATING, resolution.error())
                : new ContainerState.Waiting(Reasons.RUNTIME_UNAVAILABLE, "no provider serves runtime "
                        + resolution.describe() + "; the container starts when one is installed");
        // a container whose provider just left is told about in Killing now and in ProviderUpgraded
        // or ProviderRemoved once it is known whether the provider comes back: no warning between
        if ((newWait || !waiting.equals(run.shown)) && run.leftBy == null) {
            if (resolution.error() != null) {
                events.sandboxFailed(resolution.error());
            } else {
                events.runtimeUnavailable(run.def.name(), waiting.message());
            }
        }
        run.shown = waiting;
    }

    /** LAUNCHING -> RUNNING, or KILLING / PREEMPTING when the pod or the provider went meanwhile. */
    private void onLaunched(ContainerRun run, ContainerLauncher.Launch launch, int attempt) {
        ContainerRuntime provider = run.launching.provider();
        run.launching = null;
        run.launch = launch;
        run.provider = provider;
        run.carriedOnto = null;
        run.startedAt = services.timers().now();
        run.restartCount = attempt;
        run.everStarted = true;
        run.imageId = launch.imageId();
        run.shown = new ContainerState.Running(run.startedAt);
        running.put(run.def.name(), new Running(launch.handle(), provider));
        LOG.info("Started container {} of pod {} (restart {})", run.def.name(), pod.key(), attempt);
        events.started(run.def.name());
        launch.handle().exit().whenComplete((exit, error) -> queue.post(() -> onExit(run, launch,
                exit != null ? exit : new ContainerExit(128, Reasons.ERROR, "runtime failed: " + error,
                        services.timers().now()))));
        if (side.stage().ending()) {
            run.moveTo(RunState.KILLING);
            requestStop(run, side.stopGrace());
        } else if (!services.runtimes().find(run.launchHandler).equals(Optional.of(provider))) {
            run.moveTo(RunState.PREEMPTING); // its provider left while it was being started
            if (run.leftBy != null) {
                events.killingForProvider(run.def.name(), run.leftBy.identity().toString());
            }
            requestStop(run, pod.terminationGracePeriod());
        } else {
            run.moveTo(RunState.RUNNING);
            startProbes(run, launch);
        }
        side.publish();
    }

    /**
     * LAUNCHING -> BACK_OFF (retry later); HALTED when the pod is stopping; LAUNCHING or
     * AWAITING_RUNTIME at once when its provider left while it launched.
     */
    private void onLaunchFailed(ContainerRun run, String reason, String message, String eventReason) {
        ContainerRuntime provider = run.launching.provider();
        run.launching = null;
        if (side.stage().ending()) {
            run.moveTo(RunState.HALTED);
            side.stopProgressed();
            side.publish();
            return;
        }
        if (!services.runtimes().find(run.launchHandler).equals(Optional.of(provider))) {
            // a departing provider refuses new containers: a preemption, not the container's failure,
            // so no back-off and no Failed Event, as for a container it was running
            LOG.info("Launch of container {} of pod {} ended as its runtime provider left ({}: {}); starting it again",
                    run.def.name(), pod.key(), reason, message);
            launch(run);
            side.publish();
            return;
        }
        Duration delay = run.backoff.next(null);
        LOG.warn("Cannot start container {} of pod {}: {}: {} (retrying in {})", run.def.name(), pod.key(), reason,
                message, LifecycleEvents.format(delay));
        var failed = new ContainerState.Waiting(reason, message);
        run.moveTo(RunState.BACK_OFF);
        run.shown = failed;
        run.retry = services.timers().schedule(delay, () -> queue.post(() -> retry(run)));
        events.launchFailed(run.def.name(), run.def.image(), reason, message, eventReason);
        if (Reasons.ERR_IMAGE_PULL.equals(reason)) {
            // as the kubelet does: ErrImagePull right after the failure, ImagePullBackOff while it waits
            run.pullBackOff = services.timers().schedule(IMAGE_PULL_BACK_OFF_AFTER, () -> queue.post(() -> {
                if (run.shown == failed && run.is(RunState.BACK_OFF)) {
                    run.shown = new ContainerState.Waiting(Reasons.IMAGE_PULL_BACK_OFF,
                            "Back-off pulling image \"" + run.def.image() + "\": " + message);
                    events.imagePullBackOff(run.def.name(), run.def.image());
                    side.publish();
                }
            }));
        }
        side.publish();
    }

    /** BACK_OFF -> LAUNCHING when the retry timer fires. */
    private void retry(ContainerRun run) {
        if (run.is(RunState.BACK_OFF)) {
            run.retry = null;
            launch(run);
            side.publish();
        }
    }

    /**
     * RUNNING -> TERMINATED or BACK_OFF by the restart rule (an init container's success moves
     * the pod on); PREEMPTING -> LAUNCHING on the next provider; KILLING -> TERMINATED.
     */
    private void onExit(ContainerRun run, ContainerLauncher.Launch launch, ContainerExit exit) {
        if (run.launch != launch) {
            return;
        }
        run.stopProbes();
        String lastLine = launch.finish();
        running.removeIfHandle(run.def.name(), launch.handle());
        run.launch = null;
        run.provider = null;
        run.carriedOnto = null;
        var terminated = new ContainerState.Terminated(exit.exitCode(), exit.reason(), exit.message(),
                run.startedAt, exit.finishedAt());
        LOG.info("Container {} of pod {} exited with code {} ({}){}{}", run.def.name(), pod.key(),
                exit.exitCode(), exit.reason(), exit.message().isEmpty() ? "" : ": " + exit.message(),
                lastLine.isEmpty() ? "" : "; last output: " + lastLine);
        if (run.is(RunState.KILLING)) {
            run.moveTo(RunState.TERMINATED);
            run.shown = terminated;
            side.stopProgressed();
        } else if (run.is(RunState.PREEMPTING)) {
            // not its own failure: no back-off, whatever its policy; the state says why it ended
            run.lastState = new ContainerState.Terminated(exit.exitCode(), Reasons.PROVIDER_REMOVED,
                    run.leftBy == null ? "its runtime provider left the node"
                            : "its runtime provider " + run.leftBy.identity() + " left the node",
                    run.startedAt, exit.finishedAt());
            launch(run);
            if (run.leftForGood) {
                // stopped because its provider is gone: said once it waits, as for one that already waited
                run.leftForGood = false;
                if (run.is(RunState.AWAITING_RUNTIME)) {
                    events.providerRemoved(run.def.name(), run.leftBy);
                }
                run.leftBy = null;
            }
        } else if (pod.restartPolicy().restartsAfter(run.init, exit.exitCode())) {
            scheduleRestart(run, terminated);
        } else {
            run.moveTo(RunState.TERMINATED);
            run.shown = terminated;
            if (run.init && exit.exitCode() == 0) {
                side.initCompleted();
            } else if (run.init) {
                side.initFailed(run);
            }
        }
        side.publish();
    }

    /** RUNNING -> BACK_OFF: CrashLoopBackOff with the kubelet's back-off. */
    private void scheduleRestart(ContainerRun run, ContainerState.Terminated terminated) {
        Duration ran = terminated.startedAt() == null ? null : Duration.between(terminated.startedAt(),
                terminated.finishedAt());
        Duration delay = run.backoff.next(ran);
        run.moveTo(RunState.BACK_OFF);
        run.lastState = terminated;
        run.shown = new ContainerState.Waiting(Reasons.CRASH_LOOP_BACK_OFF, events.crashLoopMessage(run.def.name(),
                delay));
        events.backOff(run.def.name());
        run.retry = services.timers().schedule(delay, () -> queue.post(() -> retry(run)));
    }

    /**
     * Node restart: a container the earlier run of the node reported. One that was running is
     * gone, which counts as an exit (the kubelet's ContainerStatusUnknown, 137); the restart rule
     * decides whether it runs again. WAITING_TURN -> LAUNCHING, AWAITING_RUNTIME or TERMINATED.
     */
    void resume(ContainerRun run) {
        ContainerState.Terminated ended = run.shown instanceof ContainerState.Running r
                ? new ContainerState.Terminated(137, Reasons.CONTAINER_STATUS_UNKNOWN,
                        "The container could not be located when the node restarted; it was running",
                        r.startedAt(), services.timers().now())
                : run.shown instanceof ContainerState.Terminated t ? t : null;
        if (ended == null) {
            launch(run);
        } else if (pod.restartPolicy().restartsAfter(run.init, ended.exitCode())) {
            run.lastState = ended;
            launch(run);
        } else {
            run.shown = ended;
            run.moveTo(RunState.TERMINATED);
            if (run.init && ended.exitCode() != 0) {
                side.initFailed(run);
            }
        }
    }

    /** AWAITING_RUNTIME -> LAUNCHING: a provider of the runtime arrived. Returns whether it moved. */
    boolean runtimeArrived(ContainerRun run) {
        if (!run.is(RunState.AWAITING_RUNTIME)) {
            return false;
        }
        launch(run);
        return true;
    }

    /**
     * A provider is leaving. Restart strategy: RUNNING on it -> PREEMPTING. Carry-over: it keeps
     * running on the departing revision. A launch on it, either way, is judged by its outcome
     * (onLaunched: stopped; onLaunchFailed: started again at once).
     */
    void preempt(ContainerRun run, Provider provider) {
        if (side.stage().ending()) {
            return; // its containers are KILLING, or their launch is cancelled: nothing restarts
        }
        if (run.is(RunState.LAUNCHING) && run.launching.provider() == provider.service()) {
            run.leftBy = provider; // onLaunched stops it, onLaunchFailed starts it again, both without back-off
            return;
        }
        if (run.is(RunState.PREEMPTING) && run.leftBy == null && run.provider == provider.service()) {
            // launched on it after the registry dropped it, before this news came: already stopped
            run.leftBy = provider;
            events.killingForProvider(run.def.name(), provider.identity().toString());
            return;
        }
        // an exit that already happened is queued behind this task and is a real exit
        if (!run.is(RunState.RUNNING) || !runsOn(run, provider)
                || run.launch.handle().exit().toCompletableFuture().isDone()) {
            return;
        }
        run.leftBy = provider;
        if (provider.upgrade() == UpgradeStrategy.CARRY_OVER) {
            LOG.info("Container {} of pod {} keeps running on the departing provider {}", run.def.name(), pod.key(),
                    provider.identity());
            return;
        }
        stopForProvider(run, provider);
    }

    private void stopForProvider(ContainerRun run, Provider provider) {
        LOG.info("Stopping container {} of pod {}: its runtime provider {} is leaving", run.def.name(), pod.key(),
                provider.identity());
        events.killingForProvider(run.def.name(), provider.identity().toString());
        run.stopProbes();
        run.moveTo(RunState.PREEMPTING);
        requestStop(run, pod.terminationGracePeriod());
    }

    /** {@code successor} took over from {@code departed}: a container that left with it, or runs on it, is told. */
    void succeeded(ContainerRun run, Provider departed, Provider successor) {
        if (run.leftBy == null || !run.leftBy.equals(departed)) {
            return;
        }
        boolean carried = run.is(RunState.RUNNING) && runsOn(run, departed);
        events.providerSucceeded(run.def.name(), departed, successor, carried);
        run.leftBy = null;
        run.carriedOnto = carried ? successor : null;
    }

    /**
     * {@code departed} is not coming back: a container it carried over is stopped now (and starts
     * on the next provider); one that left with it and still waits gets a warning.
     */
    void gone(ContainerRun run, Provider departed) {
        if (run.leftBy == null || !run.leftBy.equals(departed)) {
            return;
        }
        if (run.is(RunState.RUNNING) && runsOn(run, departed)) {
            stopForProvider(run, departed);
            run.leftForGood = true; // its exit names the provider and warns, as below
            return;
        } else if (run.is(RunState.AWAITING_RUNTIME)) {
            events.providerRemoved(run.def.name(), departed);
        }
        run.leftBy = null;
    }

    /**
     * Whether a running container belongs to {@code provider}: it was started on it, or carried
     * over to it from a revision before it (so a carried container leaves with the revision it was
     * carried to, and stops when that one is gone, instead of outliving its bundle).
     */
    private static boolean runsOn(ContainerRun run, Provider provider) {
        return run.provider == provider.service() || provider.equals(run.carriedOnto);
    }

    /**
     * The pod is stopping: RUNNING and PREEMPTING -> KILLING, a launch is cancelled, and what
     * waits -> HALTED.
     */
    void kill(ContainerRun run, Duration gracePeriod) {
        run.cancelTimers();
        // the pod's end decides from now on: no ProviderUpgraded or ProviderRemoved for it any more
        run.leftBy = null;
        run.leftForGood = false;
        switch (run.state()) {
            case RUNNING, PREEMPTING -> {
                events.killing(run.def.name());
                run.stopProbes();
                run.moveTo(RunState.KILLING);
                requestStop(run, gracePeriod);
            }
            case LAUNCHING -> run.launching.cancel();
            case WAITING_TURN, AWAITING_RUNTIME, BACK_OFF -> run.moveTo(RunState.HALTED);
            default -> { }
        }
    }

    /**
     * Asks the provider to stop the container. A provider that throws (a LinkageError from a bundle
     * that was refreshed away, say) must not keep the pod's other containers from being stopped:
     * the container keeps its state and its exit is awaited, since the core never assumes an exit
     * it has not seen (a same-name pod waits on it).
     */
    static void requestStop(ContainerRun run, Duration gracePeriod) {
        try {
            run.launch.handle().stop(gracePeriod);
        } catch (RuntimeException | LinkageError e) {
            LOG.error("Stopping container {} failed in its runtime provider; its exit is still awaited",
                    run.def.name(), e);
        }
    }

    // ---- probes (pkg/kubelet/prober) ----

    private void startProbes(ContainerRun run, ContainerLauncher.Launch launch) {
        run.readiness = run.def.readinessProbe() == null ? null
                : new ProbeState(ProbeState.Kind.READINESS, run.def.readinessProbe());
        run.liveness = run.def.livenessProbe() == null ? null
                : new ProbeState(ProbeState.Kind.LIVENESS, run.def.livenessProbe());
        for (ProbeState probe : new ProbeState[] {run.readiness, run.liveness}) {
            if (probe != null) {
                probe.timer = services.timers().schedule(probe.probe.initialDelay(),
                        () -> queue.post(() -> check(run, launch, probe)));
            }
        }
    }

    /** One check; the next one is due a period after this one started. */
    private void check(ContainerRun run, ContainerLauncher.Launch launch, ProbeState probe) {
        if (probe.stopped || run.launch != launch || !run.is(RunState.RUNNING)) {
            return;
        }
        probe.timer = services.timers().schedule(probe.probe.period(), () -> queue.post(() -> check(run, launch, probe)));
        services.prober().probe(probe.probe, run.def).whenComplete((result, error) -> queue.post(() -> probed(run,
                launch, probe, result != null ? result : new Prober.Result(false, String.valueOf(error)))));
    }

    private void probed(ContainerRun run, ContainerLauncher.Launch launch, ProbeState probe, Prober.Result result) {
        if (probe.stopped || run.launch != launch || !run.is(RunState.RUNNING)) {
            return;
        }
        if (!result.success()) {
            events.unhealthy(run.def.name(), probe.kind.label, result.message());
        }
        boolean changed = probe.record(result.success());
        if (probe.kind == ProbeState.Kind.LIVENESS && !probe.passing()) {
            LOG.info("Container {} of pod {} failed its liveness probe ({}); restarting it", run.def.name(), pod.key(),
                    result.message());
            events.killingForLiveness(run.def.name());
            run.stopProbes();
            requestStop(run, pod.terminationGracePeriod());
        } else if (changed) {
            LOG.info("Container {} of pod {} is {}", run.def.name(), pod.key(), probe.passing() ? "ready" : "not ready");
            side.publish();
        }
    }
}
