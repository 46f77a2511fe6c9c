package io.krustlet.core.lifecycle;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.modules.ModuleResolver;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.RestartPolicy;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one pod through its lifecycle: init containers one after another, then the app
 * containers, restarts with back-off by restart policy, and termination. Every event (a
 * container's exit, a timer, a provider arriving or leaving, a stop request) goes through one
 * {@link SerialQueue}, so the state below is only ever touched by one thread at a time.
 */
public final class PodWorker {

    private static final Logger LOG = LoggerFactory.getLogger(PodWorker.class);

    static final String RUNTIME_UNAVAILABLE = "RuntimeUnavailable";
    static final String CRASH_LOOP_BACK_OFF = "CrashLoopBackOff";
    static final String POD_INITIALIZING = "PodInitializing";
    static final String CONTAINER_CREATING = "ContainerCreating";
    static final Duration IMAGE_PULL_BACK_OFF_AFTER = Duration.ofSeconds(1);

    private enum Stage { NEW, INIT, MAIN, INIT_FAILED, STOPPING, STOPPED }

    private final PodDefinition pod;
    private final String runtimeName;
    private final Timers timers;
    private final ProviderLookup runtimes;
    private final ContainerLauncher launcher;
    private final Executor launchExecutor;
    private final Consumer<PodSnapshot> publisher;
    private final SerialQueue queue = new SerialQueue();
    private final List<ContainerRun> initRuns = new ArrayList<>();
    private final List<ContainerRun> appRuns = new ArrayList<>();
    private final Map<String, PodCondition> conditions = new HashMap<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private Stage stage = Stage.NEW;
    private Duration stopGrace = Duration.ZERO;
    private int initIndex;
    private Instant startTime;
    private volatile PodSnapshot snapshot;

    /** The only thing the worker needs of the registry: which provider runs a runtime now. */
    public interface ProviderLookup {
        Optional<ContainerRuntime> find(String runtime);
    }

    /**
     * @param launchExecutor where launches run: they may pull an image, so never on the worker's
     *     queue; their outcome is posted back to it
     */
    public PodWorker(PodDefinition pod, String runtimeName, Timers timers, ProviderLookup runtimes,
            ContainerLauncher launcher, Executor launchExecutor, Consumer<PodSnapshot> publisher) {
        this.pod = pod;
        this.runtimeName = runtimeName;
        this.timers = timers;
        this.runtimes = runtimes;
        this.launcher = launcher;
        this.launchExecutor = launchExecutor;
        this.publisher = publisher;
        pod.initContainers().forEach(c -> initRuns.add(new ContainerRun(c, true)));
        pod.containers().forEach(c -> appRuns.add(new ContainerRun(c, false)));
        this.snapshot = buildSnapshot();
    }

    public PodDefinition pod() {
        return pod;
    }

    public String runtimeName() {
        return runtimeName;
    }

    public PodSnapshot snapshot() {
        return snapshot;
    }

    /** Whether the worker has stopped all its containers for good. */
    public boolean isStopped() {
        return stopped.isDone();
    }

    public void start() {
        queue.post(this::doStart);
    }

    /**
     * Stops every container within the grace period and keeps the pod from starting anything.
     * The returned stage completes when no container runs any more.
     */
    public CompletionStage<Void> stop(Duration gracePeriod) {
        queue.post(() -> doStop(gracePeriod));
        return stopped;
    }

    /** A provider for {@code runtime} is there now: start what waits for one. */
    public void runtimeAdded(String runtime) {
        if (runtime.equals(runtimeName)) {
            queue.post(this::startWaitingForRuntime);
        }
    }

    /** A provider is leaving: stop what runs on it; those containers start again on the next one. */
    public void runtimeRemoving(ContainerRuntime provider) {
        queue.post(() -> preempt(provider));
    }

    // ---- lifecycle steps; each runs inside the queue ----

    private void doStart() {
        if (stage != Stage.NEW) {
            return;
        }
        startTime = timers.now();
        LOG.info("Starting pod {} ({} init, {} app containers, runtime {})", pod.key(), initRuns.size(),
                appRuns.size(), runtimeName);
        if (initRuns.isEmpty()) {
            startApps();
        } else {
            stage = Stage.INIT;
            launch(initRuns.get(0));
        }
        publish();
    }

    private void startApps() {
        stage = Stage.MAIN;
        appRuns.forEach(this::launch);
    }

    private void launch(ContainerRun run) {
        if (stage == Stage.STOPPING || stage == Stage.STOPPED || run.launching) {
            return;
        }
        run.pending = null;
        Optional<ContainerRuntime> provider = runtimes.find(runtimeName);
        if (provider.isEmpty()) {
            run.awaitingRuntime = true;
            run.state = new ContainerState.Waiting(RUNTIME_UNAVAILABLE, "no provider serves runtime \"" + runtimeName
                    + "\"; the container starts when one is installed");
            return;
        }
        run.awaitingRuntime = false;
        run.launching = true;
        run.launchingProvider = provider.get();
        run.preemptPending = false;
        run.state = new ContainerState.Waiting(CONTAINER_CREATING, null);
        int attempt = run.everStarted ? run.restartCount + 1 : 0;
        ContainerRuntime target = provider.get();
        launchExecutor.execute(() -> {
            try {
                ContainerLauncher.Launch launch = launcher.launch(pod, run.def, attempt, target);
                queue.post(() -> onLaunched(run, launch, target, attempt));
            } catch (LaunchException e) {
                queue.post(() -> onLaunchFailed(run, e.reason(), e.getMessage()));
            } catch (RuntimeException e) {
                LOG.error("Provider failed to start container {} of pod {}", run.def.name(), pod.key(), e);
                queue.post(() -> onLaunchFailed(run, "CreateContainerError", String.valueOf(e.getMessage())));
            }
        });
    }

    private void onLaunched(ContainerRun run, ContainerLauncher.Launch launch, ContainerRuntime provider, int attempt) {
        run.launching = false;
        run.launch = launch;
        run.provider = provider;
        run.startedAt = timers.now();
        run.restartCount = attempt;
        run.everStarted = true;
        run.imageId = launch.imageId();
        run.state = new ContainerState.Running(run.startedAt);
        LOG.info("Started container {} of pod {} (restart {})", run.def.name(), pod.key(), attempt);
        launch.handle().exit().whenComplete((exit, error) -> queue.post(() -> onExit(run, launch,
                exit != null ? exit : new ContainerExit(128, ContainerExit.ERROR, "runtime failed: " + error,
                        timers.now()))));
        if (stage == Stage.STOPPING) {
            launch.handle().stop(stopGrace);
        } else if (run.preemptPending) {
            run.preempted = true;
            launch.handle().stop(pod.terminationGracePeriod());
        }
        publish();
    }

    private void onLaunchFailed(ContainerRun run, String reason, String message) {
        run.launching = false;
        if (stage == Stage.STOPPING || stage == Stage.STOPPED) {
            finishStopIfIdle();
            publish();
            return;
        }
        Duration delay = run.backoff.next(null);
        LOG.warn("Cannot start container {} of pod {}: {}: {} (retrying in {})", run.def.name(), pod.key(), reason,
                message, format(delay));
        var failed = new ContainerState.Waiting(reason, message);
        run.state = failed;
        run.pending = timers.schedule(delay, () -> queue.post(() -> retry(run)));
        if (ModuleResolver.ERR_IMAGE_PULL.equals(reason)) {
            // as the kubelet does: ErrImagePull right after the failure, ImagePullBackOff while it waits
            timers.schedule(IMAGE_PULL_BACK_OFF_AFTER, () -> queue.post(() -> {
                if (run.state == failed) {
                    run.state = new ContainerState.Waiting(ModuleResolver.IMAGE_PULL_BACK_OFF,
                            "Back-off pulling image \"" + run.def.image() + "\": " + message);
                    publish();
                }
            }));
        }
        publish();
    }

    private void retry(ContainerRun run) {
        if (run.launch == null && !run.launching && !(run.state instanceof ContainerState.Terminated)) {
            launch(run);
            publish();
        }
    }

    private void onExit(ContainerRun run, ContainerLauncher.Launch launch, ContainerExit exit) {
        if (run.launch != launch) {
            return;
        }
        String lastLine = launch.finish();
        run.launch = null;
        run.provider = null;
        var terminated = new ContainerState.Terminated(exit.exitCode(), exit.reason(), exit.message(),
                run.startedAt, exit.finishedAt());
        LOG.info("Container {} of pod {} exited with code {} ({}){}{}", run.def.name(), pod.key(),
                exit.exitCode(), exit.reason(), exit.message().isEmpty() ? "" : ": " + exit.message(),
                lastLine.isEmpty() ? "" : "; last output: " + lastLine);
        if (stage == Stage.STOPPING) {
            run.state = terminated;
            finishStopIfIdle();
        } else if (run.preempted) {
            run.preempted = false;
            run.lastState = terminated;
            launch(run);
        } else if (run.init) {
            onInitExit(run, terminated);
        } else if (pod.restartPolicy().restartsAfter(exit.exitCode())) {
            scheduleRestart(run, terminated);
        } else {
            run.state = terminated;
        }
        publish();
    }

    private void onInitExit(ContainerRun run, ContainerState.Terminated terminated) {
        if (terminated.exitCode() == 0) {
            run.state = terminated;
            initIndex++;
            if (initIndex < initRuns.size()) {
                launch(initRuns.get(initIndex));
            } else {
                startApps();
            }
        } else if (pod.restartPolicy() == RestartPolicy.Never) {
            run.state = terminated;
            stage = Stage.INIT_FAILED;
            LOG.warn("Init container {} of pod {} failed; the pod has failed (restartPolicy Never)",
                    run.def.name(), pod.key());
        } else {
            scheduleRestart(run, terminated);
        }
    }

    private void scheduleRestart(ContainerRun run, ContainerState.Terminated terminated) {
        Duration ran = terminated.startedAt() == null ? null : Duration.between(terminated.startedAt(),
                terminated.finishedAt());
        Duration delay = run.backoff.next(ran);
        run.lastState = terminated;
        run.state = new ContainerState.Waiting(CRASH_LOOP_BACK_OFF, "back-off " + format(delay)
                + " restarting failed container=" + run.def.name() + " pod=" + pod.name() + "_" + pod.namespace()
                + "(" + pod.uid() + ")");
        run.pending = timers.schedule(delay, () -> queue.post(() -> {
            run.pending = null;
            launch(run);
            publish();
        }));
    }

    private void startWaitingForRuntime() {
        boolean changed = false;
        for (ContainerRun run : allRuns()) {
            if (run.awaitingRuntime) {
                launch(run);
                changed = true;
            }
        }
        if (changed) {
            publish();
        }
    }

    private void preempt(ContainerRuntime provider) {
        for (ContainerRun run : allRuns()) {
            if (run.launch != null && run.provider == provider) {
                LOG.info("Stopping container {} of pod {}: its runtime provider is leaving", run.def.name(),
                        pod.key());
                run.preempted = true;
                run.launch.handle().stop(pod.terminationGracePeriod());
            } else if (run.launching && run.launchingProvider == provider) {
                run.preemptPending = true;
            }
        }
    }

    private void doStop(Duration gracePeriod) {
        if (stage == Stage.STOPPING || stage == Stage.STOPPED) {
            return;
        }
        stage = Stage.STOPPING;
        stopGrace = gracePeriod;
        LOG.info("Stopping pod {} (grace period {})", pod.key(), format(gracePeriod));
        for (ContainerRun run : allRuns()) {
            if (run.pending != null) {
                run.pending.cancel();
                run.pending = null;
            }
            run.awaitingRuntime = false;
            if (run.launch != null) {
                run.launch.handle().stop(gracePeriod);
            }
        }
        finishStopIfIdle();
        publish();
    }

    private void finishStopIfIdle() {
        if (allRuns().stream().allMatch(r -> r.launch == null && !r.launching)) {
            stage = Stage.STOPPED;
            stopped.complete(null);
        }
    }

    // ---- status ----

    private void publish() {
        PodSnapshot next = buildSnapshot();
        if (!next.equals(snapshot)) {
            snapshot = next;
            publisher.accept(next);
        }
    }

    private PodSnapshot buildSnapshot() {
        PodPhase phase = phase();
        boolean initialized = initRuns.stream().allMatch(r -> r.state instanceof ContainerState.Terminated t
                && t.exitCode() == 0);
        boolean ready = phase == PodPhase.Running && appRuns.stream().allMatch(r -> r.state instanceof ContainerState.Running);
        String notReadyReason = phase == PodPhase.Succeeded ? "PodCompleted" : "ContainersNotReady";
        List<PodCondition> list = List.of(
                condition(PodCondition.POD_SCHEDULED, true, null),
                condition(PodCondition.INITIALIZED, initialized,
                        phase == PodPhase.Succeeded ? "PodCompleted" : "ContainersNotInitialized"),
                condition(PodCondition.CONTAINERS_READY, ready, notReadyReason),
                condition(PodCondition.READY, ready, notReadyReason));
        var status = new PodStatus(phase, null, null, startTime, list,
                initRuns.stream().map(this::status).toList(), appRuns.stream().map(this::status).toList());
        return new PodSnapshot(pod.namespace(), pod.name(), pod.uid(), pod.source(), runtimeName,
                pod.annotations(), status);
    }

    private PodCondition condition(String type, boolean value, String reasonWhenFalse) {
        PodCondition previous = conditions.get(type);
        if (previous != null && previous.status() == value) {
            return previous;
        }
        PodCondition next = new PodCondition(type, value, value ? null : reasonWhenFalse, timers.now());
        conditions.put(type, next);
        return next;
    }

    private ContainerStatus status(ContainerRun run) {
        boolean running = run.state instanceof ContainerState.Running;
        return new ContainerStatus(run.def.name(), run.def.image(), run.imageId, run.state, run.lastState,
                run.restartCount, running, running);
    }

    /** The phase by the kubelet's rules (pkg/kubelet getPhase). */
    private PodPhase phase() {
        if (stage == Stage.INIT_FAILED) {
            return PodPhase.Failed;
        }
        if (stage == Stage.NEW || stage == Stage.INIT || (stage == Stage.STOPPED || stage == Stage.STOPPING)
                && initIndex < initRuns.size()) {
            return PodPhase.Pending;
        }
        int running = 0;
        int waiting = 0;
        int stoppedCount = 0;
        int succeeded = 0;
        for (ContainerRun run : appRuns) {
            if (run.state instanceof ContainerState.Running) {
                running++;
            } else if (run.state instanceof ContainerState.Terminated t) {
                stoppedCount++;
                if (t.exitCode() == 0) {
                    succeeded++;
                }
            } else if (run.lastState != null && (run.awaitingRuntime || run.pending != null || run.launching)) {
                // between two runs: it will run again, so the pod is still running
                running++;
            } else if (run.lastState != null) {
                stoppedCount++;
            } else {
                waiting++;
            }
        }
        if (waiting > 0) {
            return PodPhase.Pending;
        }
        if (running > 0) {
            return PodPhase.Running;
        }
        if (pod.restartPolicy() == RestartPolicy.Always && stage != Stage.STOPPED) {
            return PodPhase.Running;
        }
        if (stoppedCount == succeeded) {
            return PodPhase.Succeeded;
        }
        if (pod.restartPolicy() == RestartPolicy.Never || stage == Stage.STOPPED) {
            return PodPhase.Failed;
        }
        return PodPhase.Running;
    }

    private List<ContainerRun> allRuns() {
        List<ContainerRun> all = new ArrayList<>(initRuns);
        all.addAll(appRuns);
        return all;
    }

    static String format(Duration d) {
        long minutes = d.toMinutes();
        long seconds = d.toSecondsPart();
        return minutes > 0 ? minutes + "m" + (seconds > 0 ? seconds + "s" : "") : d.toSeconds() + "s";
    }

    /** One container's runs; only touched inside the worker's queue. */
    private final class ContainerRun {
        final ContainerDefinition def;
        final boolean init;
        final RestartBackoff backoff = new RestartBackoff();
        ContainerState state;
        ContainerState.Terminated lastState;
        int restartCount;
        boolean everStarted;
        boolean awaitingRuntime;
        boolean launching;
        boolean preempted;
        boolean preemptPending;
        ContainerRuntime launchingProvider;
        String imageId = "";
        Instant startedAt;
        ContainerLauncher.Launch launch;
        ContainerRuntime provider;
        Timers.Cancellable pending;

        ContainerRun(ContainerDefinition def, boolean init) {
            this.def = def;
            this.init = init;
            this.state = new ContainerState.Waiting(
                    init || pod.initContainers().isEmpty() ? CONTAINER_CREATING : POD_INITIALIZING, null);
        }
    }
}
