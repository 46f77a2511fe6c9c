package io.krustlet.core.lifecycle;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerUsage;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.runtime.Provider;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.Reasons;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one pod through the machine described in this package's documentation: init containers
 * one after another, then the app containers, restarts with back-off by restart policy, provider
 * swaps, and termination. Every event (a container's exit, a timer, a launch's outcome, a provider
 * arriving or leaving, a stop request) goes through one {@link SerialQueue}, so the state below is
 * only ever touched by one thread at a time; the public methods only post to it and never block.
 */
public final class PodWorker {

    private static final Logger LOG = LoggerFactory.getLogger(PodWorker.class);

    private final PodDefinition pod;
    private final RuntimeBinding runtime;
    private final WorkerServices services;
    private final Consumer<PodSnapshot> publisher;
    private final LifecycleEvents events;
    private final PodStatus prior;
    private final SerialQueue queue = new SerialQueue();
    private final List<ContainerRun> initRuns = new ArrayList<>();
    private final List<ContainerRun> appRuns = new ArrayList<>();
    private final Map<String, PodCondition> conditions = new HashMap<>();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final RunningContainers running = new RunningContainers();

    private PodStage stage = PodStage.NEW;
    private Duration stopGrace = Duration.ZERO;
    private boolean nodeShutdown;
    private String failureReason;
    private String failureMessage;
    private int initDone;
    /** An init container failed with restartPolicy Never: the pod is Failed, even once it stops. */
    private boolean initFailed;
    private Instant startTime;
    private volatile PodSnapshot snapshot;
    private final ContainerMachine containers;

    /** A worker whose pod runs on a fixed runtime handler. */
    public PodWorker(PodDefinition pod, String runtimeName, PodStatus prior, WorkerServices services,
            Consumer<PodSnapshot> publisher) {
        this(pod, RuntimeBinding.fixed(runtimeName), prior, services, publisher);
    }

    /**
     * @param runtime which runtime handler the pod's containers run on, asked at every launch
     * @param prior the status an earlier run of this node reported for the pod (node restart), or
     *     null for a pod this node has not run before: finished containers are not run again,
     *     restart counts go on, init containers that completed stay completed
     * @param publisher told of every new status, on the thread that runs the queue at the time
     */
    public PodWorker(PodDefinition pod, RuntimeBinding runtime, PodStatus prior, WorkerServices services,
            Consumer<PodSnapshot> publisher) {
        this.pod = pod;
        this.runtime = runtime;
        this.prior = prior;
        this.services = services;
        this.publisher = publisher;
        this.events = new LifecycleEvents(pod, services.events());
        this.containers = new ContainerMachine(pod, runtime, services, events, queue, running, new PodSide());
        boolean hasInit = !pod.initContainers().isEmpty();
        pod.initContainers().forEach(c -> initRuns.add(new ContainerRun(c, true, hasInit)));
        pod.containers().forEach(c -> appRuns.add(new ContainerRun(c, false, hasInit)));
        this.snapshot = buildSnapshot();
    }

    public PodDefinition pod() {
        return pod;
    }

    /** The runtime handler the pod's containers run on now, or its RuntimeClass while that cannot be resolved. */
    public String runtimeName() {
        RuntimeBinding.Resolution resolution = runtime.resolve();
        return resolution.handler() != null ? resolution.handler() : resolution.runtimeClass();
    }

    /** The last status published; any thread. */
    public PodSnapshot snapshot() {
        return snapshot;
    }

    /** What a running container of the pod uses now, if its provider measures it; any thread. */
    public Optional<ContainerUsage> usage(String container) {
        return running.usage(container);
    }

    /** How many of the pod's containers run on {@code provider} now; any thread. */
    public int containersOn(ContainerRuntime provider) {
        return running.on(provider);
    }

    /** Whether the worker has stopped all its containers for good. */
    public boolean isStopped() {
        return stopped.isDone();
    }

    public void start() {
        queue.post(this::doStart);
    }

    /**
     * Stops every container within the grace period, cancels launches in progress and keeps the
     * pod from starting anything. The returned stage completes, after the final status was
     * published, when no container runs any more.
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
            if (!stage.ending()) {
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
        return fail(Reasons.EVICTED, message, gracePeriod);
    }

    /**
     * Fails the pod for good for a reason of the node's (Evicted, DeadlineExceeded): a warning
     * Event, its containers stopped, phase Failed with this reason and message. Ignored for a pod
     * already stopping or finished (a deadline that falls due as the pod ends does not undo its end).
     */
    public CompletionStage<Void> fail(String reason, String message, Duration gracePeriod) {
        queue.post(() -> {
            if (stage.ending() || snapshot.status().phase() == PodPhase.Succeeded
                    || snapshot.status().phase() == PodPhase.Failed) {
                return;
            }
            failureReason = reason;
            failureMessage = message;
            LOG.warn("Pod {} failed: {}: {}", pod.key(), reason, message);
            events.podFailed(reason, message);
            doStop(gracePeriod);
        });
        return stopped;
    }

    /** A provider for {@code runtime} is there now: start what waits for one, if the pod runs on it. */
    public void runtimeAdded(String runtime) {
        queue.post(() -> {
            if (runtime.equals(this.runtime.resolve().handler())) {
                startWaitingForRuntime();
            }
        });
    }

    /** RuntimeClasses changed: a container waiting for its class, or on another handler now, tries again. */
    public void runtimeClassesChanged() {
        queue.post(this::startWaitingForRuntime);
    }

    /**
     * A provider is leaving: by its upgrade strategy, what runs on it is stopped and started again
     * on the next provider (restart), or left running (carry-over).
     */
    public void runtimeRemoving(Provider provider) {
        queue.post(() -> allRuns().forEach(run -> containers.preempt(run, provider)));
    }

    /**
     * A provider arrived; {@code predecessor} is the one it succeeds (an upgrade or a restart of
     * the same bundle): containers that left with the predecessor, or run on it still, hear of it
     * (a ProviderUpgraded Event), and what waits starts.
     */
    public void providerAdded(Provider provider, Optional<Provider> predecessor) {
        queue.post(() -> {
            predecessor.ifPresent(p -> allRuns().forEach(run -> containers.succeeded(run, p, provider)));
            if (provider.runtime().equals(runtime.resolve().handler())) {
                startWaitingForRuntime();
            }
        });
    }

    /** A provider that left will not come back: carried containers are stopped, waiting ones told. */
    public void providerGone(Provider provider) {
        queue.post(() -> {
            allRuns().forEach(run -> containers.gone(run, provider));
            publish();
        });
    }

    // ---- pod stages; everything below runs inside the queue ----

    private void doStart() {
        if (stage != PodStage.NEW) {
            return;
        }
        startTime = prior != null && prior.startTime() != null ? prior.startTime() : services.timers().now();
        LOG.info("Starting pod {} ({} init, {} app containers, runtime {}{})", pod.key(), initRuns.size(),
                appRuns.size(), runtime.resolve().describe(), prior == null ? "" : ", resumed after a node restart");
        if (prior != null) {
            resume();
        } else if (initRuns.isEmpty()) {
            startApps();
        } else {
            stage = PodStage.INIT;
            containers.launch(initRuns.get(0));
        }
        publish();
    }

    /**
     * Picks the pod up where an earlier run of the node left it. Nothing of that run survives
     * the node: a container that was running is gone, which counts as an exit (the kubelet's
     * ContainerStatusUnknown, 137), and the restart rule decides what happens next.
     */
    private void resume() {
        prior.conditions().forEach(c -> conditions.put(c.type(), c));
        for (ContainerRun run : allRuns()) {
            prior.container(run.def.name()).ifPresent(run::restore);
        }
        while (initDone < initRuns.size() && initRuns.get(initDone).shown instanceof ContainerState.Terminated t
                && t.exitCode() == 0) {
            initRuns.get(initDone++).moveTo(RunState.TERMINATED);
        }
        boolean appsStarted = appRuns.stream().anyMatch(r -> r.everStarted);
        if (initDone < initRuns.size() && !appsStarted) {
            stage = PodStage.INIT;
            containers.resume(initRuns.get(initDone));
        } else {
            stage = PodStage.MAIN;
            appRuns.forEach(containers::resume);
        }
    }

    private void startApps() {
        stage = PodStage.MAIN;
        appRuns.forEach(containers::launch);
    }

    private void onInitCompleted() {
        initDone++;
        if (initDone < initRuns.size()) {
            containers.launch(initRuns.get(initDone));
        } else {
            startApps();
        }
    }

    /** AWAITING_RUNTIME -> LAUNCHING for every container that waits for a provider. */
    private void startWaitingForRuntime() {
        boolean changed = false;
        for (ContainerRun run : allRuns()) {
            changed |= containers.runtimeArrived(run);
        }
        if (changed) {
            publish();
        }
    }

    /**
     * Any stage -> STOPPING: kills what runs (a second, shorter stop cuts the grace period short,
     * as a force delete does), cancels launches and timers; STOPPED once nothing runs.
     */
    private void doStop(Duration gracePeriod) {
        if (stage == PodStage.STOPPING && gracePeriod.compareTo(stopGrace) < 0) {
            stopGrace = gracePeriod;
            allRuns().stream().filter(r -> r.state().holdsContainer()).forEach(r -> ContainerMachine.requestStop(r, gracePeriod));
            return;
        }
        if (stage.ending()) {
            return;
        }
        stage = PodStage.STOPPING;
        stopGrace = gracePeriod;
        LOG.info("Stopping pod {} (grace period {})", pod.key(), LifecycleEvents.format(gracePeriod));
        allRuns().forEach(run -> containers.kill(run, gracePeriod));
        finishStopIfIdle();
        publish();
    }

    /** STOPPING -> STOPPED once no container runs or launches; {@link #publish()} completes {@link #stopped}. */
    private void finishStopIfIdle() {
        if (stage == PodStage.STOPPING
                && allRuns().stream().noneMatch(r -> r.state().holdsContainer() || r.is(RunState.LAUNCHING))) {
            stage = PodStage.STOPPED;
        }
    }

    // ---- status ----

    private void publish() {
        PodSnapshot next = buildSnapshot();
        if (!next.equals(snapshot)) {
            snapshot = next;
            publisher.accept(next);
        }
        if (stage == PodStage.STOPPED && !stopped.isDone()) {
            // only now: whoever waits for the stop (and then forgets the pod) sees the final status first
            stopped.complete(null);
        }
    }

    private PodSnapshot buildSnapshot() {
        var input = new PodStatusDerivation.Input(stage, initFailed, initDone, nodeShutdown, failureReason, failureMessage,
                startTime, pod.restartPolicy(), view(initRuns), view(appRuns));
        PodStatus status = PodStatusDerivation.derive(input, conditions, services.timers().now());
        status.conditions().forEach(c -> conditions.put(c.type(), c));
        return new PodSnapshot(pod.namespace(), pod.name(), pod.uid(), pod.source(), runtimeName(),
                pod.annotations(), status);
    }

    private static List<PodStatusDerivation.Run> view(List<ContainerRun> runs) {
        return runs.stream().map(r -> new PodStatusDerivation.Run(r.status(), r.state().restartPlanned())).toList();
    }

    /** The worker as its containers' machine sees it. */
    private final class PodSide implements ContainerMachine.PodSide {
        @Override
        public PodStage stage() {
            return stage;
        }

        @Override
        public Duration stopGrace() {
            return stopGrace;
        }

        @Override
        public void initCompleted() {
            onInitCompleted();
        }

        @Override
        public void initFailed(ContainerRun run) {
            stage = PodStage.INIT_FAILED;
            initFailed = true;
            LOG.warn("Init container {} of pod {} failed; the pod has failed (restartPolicy Never)", run.def.name(),
                    pod.key());
        }

        @Override
        public void stopProgressed() {
            finishStopIfIdle();
        }

        @Override
        public void publish() {
            PodWorker.this.publish();
        }
    }

    private List<ContainerRun> allRuns() {
        List<ContainerRun> all = new ArrayList<>(initRuns);
        all.addAll(appRuns);
        return all;
    }
}
