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
import java.util.concurrent.RejectedExecutionException;
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
    /** The kubelet's reason for a container that was running when its node went down. */
    static final String CONTAINER_STATUS_UNKNOWN = "ContainerStatusUnknown";

    private enum Stage { NEW, INIT, MAIN, INIT_FAILED, STOPPING, STOPPED }

    private final PodDefinition pod;
    private final String runtimeName;
    private final Timers timers;
    private final ProviderLookup runtimes;
    private final ContainerLauncher launcher;
    private final Executor launchExecutor;
    private final Consumer<PodSnapshot> publisher;
    private final PodEvents events;
    private final PodStatus prior;
    private final SerialQueue queue = new SerialQueue();
    private final List<ContainerRun> initRuns = new ArrayList<>();
    private final List<ContainerRun> appRuns = new ArrayList<>();
    private final Map<String, PodCondition> conditions = new HashMap<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** The handles of running containers, by name: read from other threads (stats), so not queue state. */
    private final Map<String, io.krustlet.api.ContainerHandle> running = new java.util.concurrent.ConcurrentHashMap<>();

    private Stage stage = Stage.NEW;
    private Duration stopGrace = Duration.ZERO;
    private boolean nodeShutdown;
    private String evictionMessage;
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
        this(pod, runtimeName, null, new Services(timers, runtimes, launcher, launchExecutor, PodEvents.NONE),
                publisher);
    }

    /** What every worker of a node shares. */
    public record Services(Timers timers, ProviderLookup runtimes, ContainerLauncher launcher,
            Executor launchExecutor, PodEvents events) {
    }

    /**
     * @param prior the status an earlier run of this node reported for the pod (node restart), or
     *     null for a pod this node has not run before: finished containers are not run again,
     *     restart counts go on, init containers that completed stay completed
     */
    public PodWorker(PodDefinition pod, String runtimeName, PodStatus prior, Services services,
            Consumer<PodSnapshot> publisher) {
        this.pod = pod;
        this.prior = prior;
        this.events = services.events();
        this.runtimeName = runtimeName;
        this.timers = services.timers();
        this.runtimes = services.runtimes();
        this.launcher = services.launcher();
        this.launchExecutor = services.launchExecutor();
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

    /** What a running container of the pod uses now, if its provider measures it. */
    public Optional<io.krustlet.api.ContainerUsage> usage(String container) {
        var handle = running.get(container);
        if (handle == null) {
            return Optional.empty();
        }
        try {
            return handle.usage();
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty(); // a provider that fails here must not break the stats endpoints
        }
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

    /**
     * Stops the pod because the node shuts down, not because the pod ends: containers that their
     * restart policy would run again leave the pod Running (not ready), since the node runs them
     * again when it comes back; only what would not run again counts as finished.
     */
    public CompletionStage<Void> stopForShutdown(Duration gracePeriod) {
        queue.post(() -> {
            if (stage != Stage.STOPPING && stage != Stage.STOPPED) {
                nodeShutdown = true; // a pod already being deleted stays deleted
            }
            doStop(gracePeriod);
        });
        return stopped;
    }

    /**
     * Evicts the pod, as the kubelet does when it outgrows a limit the node enforces (an emptyDir's
     * sizeLimit): its containers are stopped and it fails with reason Evicted, for good.
     */
    public CompletionStage<Void> evict(String message, Duration gracePeriod) {
        queue.post(() -> {
            if (stage == Stage.STOPPING || stage == Stage.STOPPED) {
                return;
            }
            evictionMessage = message;
            LOG.warn("Evicting pod {}: {}", pod.key(), message);
            events.warning(pod, null, "Evicted", message);
            doStop(gracePeriod);
        });
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
        startTime = prior != null && prior.startTime() != null ? prior.startTime() : timers.now();
        LOG.info("Starting pod {} ({} init, {} app containers, runtime {}{})", pod.key(), initRuns.size(),
                appRuns.size(), runtimeName, prior == null ? "" : ", resumed after a node restart");
        if (prior != null) {
            resume();
        } else if (initRuns.isEmpty()) {
            startApps();
        } else {
            stage = Stage.INIT;
            launch(initRuns.get(0));
        }
        publish();
    }

    /**
     * Picks the pod up where an earlier run of the node left it. Nothing of that run survives
     * the node: a container that was running is gone, which counts as an exit (the kubelet's
     * ContainerStatusUnknown, 137), and the restart policy decides what happens next.
     */
    private void resume() {
        prior.conditions().forEach(c -> conditions.put(c.type(), c));
        for (ContainerRun run : allRuns()) {
            prior.container(run.def.name()).ifPresent(run::restore);
        }
        while (initIndex < initRuns.size() && initRuns.get(initIndex).state instanceof ContainerState.Terminated t
                && t.exitCode() == 0) {
            initIndex++;
        }
        boolean appsStarted = appRuns.stream().anyMatch(r -> r.everStarted);
        if (initIndex < initRuns.size() && !appsStarted) {
            stage = Stage.INIT;
            continueAfterNodeRestart(initRuns.get(initIndex));
            return;
        }
        stage = Stage.MAIN;
        appRuns.forEach(this::continueAfterNodeRestart);
    }

    private void continueAfterNodeRestart(ContainerRun run) {
        if (run.state instanceof ContainerState.Running running) {
            var lost = new ContainerState.Terminated(137, CONTAINER_STATUS_UNKNOWN,
                    "The container could not be located when the node restarted; it was running",
                    running.startedAt(), timers.now());
            if (restartsAfter(run, lost.exitCode())) {
                run.lastState = lost;
                launch(run);
            } else {
                run.state = lost;
                if (run.init) {
                    stage = Stage.INIT_FAILED;
                }
            }
        } else if (run.state instanceof ContainerState.Terminated t) {
            if (restartsAfter(run, t.exitCode())) {
                run.lastState = t;
                launch(run);
            } else if (run.init && t.exitCode() != 0) {
                stage = Stage.INIT_FAILED;
            }
        } else {
            launch(run);
        }
    }

    private boolean restartsAfter(ContainerRun run, int exitCode) {
        return run.init ? exitCode != 0 && pod.restartPolicy() != RestartPolicy.Never
                : pod.restartPolicy().restartsAfter(exitCode);
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
        try {
            launchExecutor.execute(() -> launchNow(run, attempt, target));
        } catch (RejectedExecutionException e) {
            // the node is shutting down: the launch never happens, and the worker must not wait for it
            queue.post(() -> onLaunchFailed(run, "CreateContainerError", "the node is shutting down"));
        }
    }

    private void launchNow(ContainerRun run, int attempt, ContainerRuntime target) {
        try {
            ContainerLauncher.Launch launch = launcher.launch(pod, run.def, attempt, target);
            queue.post(() -> onLaunched(run, launch, target, attempt));
        } catch (LaunchException e) {
            queue.post(() -> onLaunchFailed(run, e.reason(), e.getMessage(), e.eventReason().orElse("Failed")));
        } catch (Throwable e) {
            // whatever a provider throws (a LinkageError from a bundle that left, say), the
            // container must leave `launching`, or the pod could never stop
            LOG.error("Provider failed to start container {} of pod {}", run.def.name(), pod.key(), e);
            queue.post(() -> onLaunchFailed(run, "CreateContainerError", String.valueOf(e.getMessage())));
        }
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
        running.put(run.def.name(), launch.handle());
        LOG.info("Started container {} of pod {} (restart {})", run.def.name(), pod.key(), attempt);
        events.normal(pod, run.def.name(), "Created", "Created container " + run.def.name());
        events.normal(pod, run.def.name(), "Started", "Started container " + run.def.name());
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
        onLaunchFailed(run, reason, message, "Failed");
    }

    private void onLaunchFailed(ContainerRun run, String reason, String message, String eventReason) {
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
        reportLaunchFailure(run, reason, message, eventReason);
        if (ModuleResolver.ERR_IMAGE_PULL.equals(reason)) {
            // as the kubelet does: ErrImagePull right after the failure, ImagePullBackOff while it waits
            run.imagePullBackOff = timers.schedule(IMAGE_PULL_BACK_OFF_AFTER, () -> queue.post(() -> {
                if (run.state == failed && stage != Stage.STOPPING && stage != Stage.STOPPED) {
                    run.state = new ContainerState.Waiting(ModuleResolver.IMAGE_PULL_BACK_OFF,
                            "Back-off pulling image \"" + run.def.image() + "\": " + message);
                    events.normal(pod, run.def.name(), "BackOff", "Back-off pulling image \"" + run.def.image() + "\"");
                    events.warning(pod, run.def.name(), "Failed", "Error: " + ModuleResolver.IMAGE_PULL_BACK_OFF);
                    publish();
                }
            }));
        }
        publish();
    }

    /** The Events the kubelet records for a container that could not start. */
    private void reportLaunchFailure(ContainerRun run, String reason, String message, String eventReason) {
        String name = run.def.name();
        if (ModuleResolver.ERR_IMAGE_PULL.equals(reason)) {
            events.warning(pod, name, "Failed", "Failed to pull image \"" + run.def.image() + "\": " + message);
            events.warning(pod, name, "Failed", "Error: " + reason);
        } else if (!"Failed".equals(eventReason)) {
            events.warning(pod, null, eventReason, message);
        } else {
            events.warning(pod, name, "Failed", "Error: " + (message == null || message.isEmpty() ? reason : message));
        }
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
        running.remove(run.def.name(), launch.handle());
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
        events.warning(pod, run.def.name(), "BackOff", "Back-off restarting failed container " + run.def.name()
                + " in pod " + pod.name() + "_" + pod.namespace() + "(" + pod.uid() + ")");
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
            if (run.launch != null && run.provider == provider
                    && !run.launch.handle().exit().toCompletableFuture().isDone()) {
                // (an exit that already happened is queued behind this task and is a real exit)
                LOG.info("Stopping container {} of pod {}: its runtime provider is leaving", run.def.name(),
                        pod.key());
                events.normal(pod, run.def.name(), "Killing", "Stopping container " + run.def.name()
                        + ": its runtime provider is leaving");
                run.preempted = true;
                run.launch.handle().stop(pod.terminationGracePeriod());
            } else if (run.launching && run.launchingProvider == provider) {
                run.preemptPending = true;
            }
        }
    }

    private void doStop(Duration gracePeriod) {
        if (stage == Stage.STOPPING && gracePeriod.compareTo(stopGrace) < 0) {
            // a second, shorter deletion (a force delete) cuts the grace period short, as the kubelet does
            stopGrace = gracePeriod;
            allRuns().stream().filter(r -> r.launch != null).forEach(r -> r.launch.handle().stop(gracePeriod));
            return;
        }
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
            if (run.imagePullBackOff != null) {
                run.imagePullBackOff.cancel();
                run.imagePullBackOff = null;
            }
            run.awaitingRuntime = false;
            if (run.launch != null) {
                events.normal(pod, run.def.name(), "Killing", "Stopping container " + run.def.name());
                run.launch.handle().stop(gracePeriod);
            }
        }
        finishStopIfIdle();
        publish();
    }

    /** Marks the pod stopped; {@link #publish()} completes {@link #stopped} after the final status. */
    private void finishStopIfIdle() {
        if (allRuns().stream().allMatch(r -> r.launch == null && !r.launching)) {
            stage = Stage.STOPPED;
        }
    }

    // ---- status ----

    private void publish() {
        PodSnapshot next = buildSnapshot();
        if (!next.equals(snapshot)) {
            snapshot = next;
            publisher.accept(next);
        }
        if (stage == Stage.STOPPED && !stopped.isDone()) {
            // only now: whoever waits for the stop (and then forgets the pod) sees the final status first
            stopped.complete(null);
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
        var status = new PodStatus(phase, evictionMessage == null ? null : "Evicted", evictionMessage, startTime, list,
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
        if (stage == Stage.INIT_FAILED || evictionMessage != null) {
            return PodPhase.Failed;
        }
        if (stage == Stage.NEW || stage == Stage.INIT || (stage == Stage.STOPPED || stage == Stage.STOPPING)
                && initIndex < initRuns.size()) {
            return PodPhase.Pending;
        }
        // a pod stopped by a node shutdown is judged as if its containers had just exited
        boolean ended = stage == Stage.STOPPED && !nodeShutdown;
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
        if (pod.restartPolicy() == RestartPolicy.Always && !ended) {
            return PodPhase.Running;
        }
        if (stoppedCount == succeeded) {
            return PodPhase.Succeeded;
        }
        if (pod.restartPolicy() == RestartPolicy.Never || ended) {
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
        Timers.Cancellable imagePullBackOff;

        ContainerRun(ContainerDefinition def, boolean init) {
            this.def = def;
            this.init = init;
            this.state = new ContainerState.Waiting(
                    init || pod.initContainers().isEmpty() ? CONTAINER_CREATING : POD_INITIALIZING, null);
        }

        /** Takes over what an earlier run of the node reported for this container. */
        void restore(ContainerStatus status) {
            restartCount = status.restartCount();
            lastState = status.lastState();
            imageId = status.imageId() == null ? "" : status.imageId();
            state = status.state();
            everStarted = restartCount > 0 || lastState != null || !(state instanceof ContainerState.Waiting);
        }
    }
}
