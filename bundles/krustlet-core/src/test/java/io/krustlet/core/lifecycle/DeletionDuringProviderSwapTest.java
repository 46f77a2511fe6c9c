package io.krustlet.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.api.ResourceLimits;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.LaunchException;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.RestartPolicy;
import io.krustlet.core.runtime.Provider;
import io.krustlet.core.runtime.ProviderIdentity;
import io.krustlet.core.runtime.UpgradeStrategy;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.Reasons;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The rows of the lifecycle table (package-info) where a pod's end meets its provider's departure:
 * a pod deleted while its container is preempted, carried over, or waiting for a provider; a
 * departing provider that never reports the exit or fails to stop; a launch under way when its
 * provider leaves.
 */
class DeletionDuringProviderSwapTest {

    private static final Duration POD_GRACE = Duration.ofSeconds(30);
    private static final Duration DELETION_GRACE = Duration.ofSeconds(5);

    private final ManualTimers timers = new ManualTimers();
    private final FakeLauncher launcher = new FakeLauncher();
    private final List<PodSnapshot> published = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    /** Launches wait here until the test runs them (a launch thread that has not finished yet). */
    private final List<Runnable> launches = new ArrayList<>();
    private boolean deferLaunches;
    private Provider current;

    private static Provider provider(String version, UpgradeStrategy upgrade, long serviceId) {
        return new Provider("wasi", "wasm32-wasi", 0, serviceId, new ProviderIdentity(57, "io.krustlet.wasi", version),
                upgrade, new ProviderSwapTest.Named(version + "#" + serviceId));
    }

    private PodWorker worker(RestartPolicy policy, String... containers) {
        List<ContainerDefinition> defs = new ArrayList<>();
        for (String name : containers.length == 0 ? new String[] {"app"} : containers) {
            defs.add(new ContainerDefinition(name, "fs/" + name + ".wasm", null, List.of(), List.of(), Map.of(), null,
                    List.of(), ResourceLimits.NONE));
        }
        var pod = new PodDefinition("default", "p", "uid-1", "api", "web", policy, POD_GRACE, List.of(), defs,
                List.of(), Map.of());
        PodEvents recorder = (p, container, warning, reason, message) ->
                events.add((warning ? "Warning " : "Normal ") + reason + ": " + message);
        var services = new WorkerServices(timers, runtime -> current != null && runtime.equals(current.runtime())
                ? Optional.of(current.service()) : Optional.empty(), launcher,
                task -> {
                    if (deferLaunches) {
                        launches.add(task);
                    } else {
                        task.run();
                    }
                }, recorder);
        return new PodWorker(pod, RuntimeBinding.fixed("wasi"), null, services, published::add);
    }

    private void runLaunches() {
        List<Runnable> due = List.copyOf(launches);
        launches.clear();
        due.forEach(Runnable::run);
    }

    private PodSnapshot last() {
        return published.get(published.size() - 1);
    }

    private ContainerStatus app() {
        return last().status().containerStatuses().get(0);
    }

    private List<String> eventsWith(String reason) {
        return events.stream().filter(e -> e.contains(" " + reason + ": ")).toList();
    }

    @Test
    void aPreemptedContainerWhosePodIsDeletedEndsForGoodWithTheDeletionsGraceAndNoRestart() {
        current = provider("1.0.0", UpgradeStrategy.RESTART, 1);
        PodWorker w = worker(RestartPolicy.Always);
        w.start();
        Provider old = current;
        current = null;
        w.runtimeRemoving(old);
        assertThat(launcher.last("app").stopRequested).isEqualTo(POD_GRACE);

        CompletionStage<Void> stopped = w.stop(DELETION_GRACE);
        assertThat(launcher.last("app").stopRequested).as("the stop is sent again, with the deletion's grace")
                .isEqualTo(DELETION_GRACE);
        assertThat(eventsWith(Reasons.KILLING)).hasSize(2);
        launcher.last("app").exit(137, timers.now());

        assertThat(stopped.toCompletableFuture()).isDone();
        var terminated = (ContainerState.Terminated) app().state();
        assertThat(terminated.exitCode()).isEqualTo(137);
        assertThat(app().lastState()).as("an exit that ends a kill is the state, not a restart's lastState").isNull();
        assertThat(app().restartCount()).isZero();
        assertThat(last().status().phase()).isEqualTo(PodPhase.Failed);

        current = provider("1.1.0", UpgradeStrategy.RESTART, 2);
        w.providerAdded(current, Optional.of(old));
        assertThat(launcher.names()).as("nothing starts on the new revision").containsExactly("app#0");
        assertThat(eventsWith(Reasons.PROVIDER_UPGRADED)).isEmpty();
    }

    @Test
    void aCarriedContainerWhosePodIsDeletedIsStoppedOnTheDepartingRevisionAndNotAnnouncedAsRestarting() {
        current = provider("1.0.0", UpgradeStrategy.CARRY_OVER, 1);
        PodWorker w = worker(RestartPolicy.Always);
        w.start();
        Provider old = current;
        current = null;
        w.runtimeRemoving(old);

        CompletionStage<Void> stopped = w.stop(DELETION_GRACE);
        FakeLauncher.Started carried = launcher.last("app");
        assertThat(carried.runtime).isSameAs(old.service());
        assertThat(carried.stopRequested).isEqualTo(DELETION_GRACE);
        // the successor arrives while the departing revision still stops it (a pod the node fails,
        // Evicted say, still hears it; a deleted one does not)
        current = provider("1.1.0", UpgradeStrategy.CARRY_OVER, 2);
        w.providerAdded(current, Optional.of(old));
        assertThat(eventsWith(Reasons.PROVIDER_UPGRADED)).as("it neither restarts nor runs on").isEmpty();
        assertThat(stopped.toCompletableFuture()).isNotDone();

        carried.exit(137, timers.now());
        assertThat(stopped.toCompletableFuture()).isDone();
        assertThat(app().state()).isInstanceOf(ContainerState.Terminated.class);
        w.providerGone(old);
        assertThat(launcher.names()).containsExactly("app#0");
        assertThat(eventsWith(Reasons.PROVIDER_REMOVED)).isEmpty();
    }

    @Test
    void aContainerWaitingForItsGoneProviderHaltsAtOnceWhenItsPodIsDeleted() {
        current = provider("1.0.0", UpgradeStrategy.RESTART, 1);
        PodWorker w = worker(RestartPolicy.Always);
        w.start();
        Provider old = current;
        current = null;
        w.runtimeRemoving(old);
        launcher.last("app").exit(137, timers.now());
        assertThat(((ContainerState.Waiting) app().state()).reason()).isEqualTo(Reasons.RUNTIME_UNAVAILABLE);

        CompletionStage<Void> stopped = w.stop(DELETION_GRACE);
        assertThat(stopped.toCompletableFuture()).as("nothing runs: stopped at once").isDone();
        assertThat(((ContainerState.Waiting) app().state()).reason()).isEqualTo(Reasons.RUNTIME_UNAVAILABLE);
        assertThat(app().lastState().reason()).isEqualTo(Reasons.PROVIDER_REMOVED);
        assertThat(app().restartCount()).as("counted when it runs again, which it never does").isZero();
        assertThat(eventsWith(Reasons.KILLING)).as("only the provider's stop").hasSize(1);
        current = provider("1.1.0", UpgradeStrategy.RESTART, 2);
        w.providerAdded(current, Optional.of(old));
        assertThat(launcher.names()).containsExactly("app#0");
    }

    @Test
    void aKilledContainerWhoseDepartingProviderNeverReportsTheExitKeepsThePodStopping() {
        current = provider("1.0.0", UpgradeStrategy.CARRY_OVER, 1);
        PodWorker w = worker(RestartPolicy.Always);
        w.start();
        Provider old = current;
        current = null;
        w.runtimeRemoving(old);
        CompletionStage<Void> stopped = w.stop(DELETION_GRACE);
        w.providerGone(old);
        timers.advance(Duration.ofMinutes(10));
        assertThat(stopped.toCompletableFuture()).as("no exit is ever assumed").isNotDone();
        assertThat(app().state()).isInstanceOf(ContainerState.Running.class);

        w.stop(Duration.ZERO);
        assertThat(launcher.last("app").stopRequested).as("a force delete asks again").isEqualTo(Duration.ZERO);
        assertThat(stopped.toCompletableFuture()).isNotDone();
        launcher.last("app").exit(137, timers.now());
        assertThat(stopped.toCompletableFuture()).isDone();
    }

    @Test
    void aProviderWhoseStopThrowsDoesNotKeepThePodsOtherContainersRunning() {
        current = provider("1.0.0", UpgradeStrategy.CARRY_OVER, 1);
        PodWorker w = worker(RestartPolicy.Always, "app", "sidecar");
        w.start();
        launcher.last("app").stopFailure = new NoClassDefFoundError("io/krustlet/wasi/Gone");

        CompletionStage<Void> stopped = w.stop(DELETION_GRACE);
        assertThat(launcher.last("sidecar").stopRequested).isEqualTo(DELETION_GRACE);
        launcher.last("sidecar").exit(137, timers.now());
        assertThat(last().status().containerStatuses().get(1).state()).isInstanceOf(ContainerState.Terminated.class);
        assertThat(stopped.toCompletableFuture()).as("the app's exit is still awaited").isNotDone();
        launcher.last("app").exit(137, timers.now());
        assertThat(stopped.toCompletableFuture()).isDone();
        assertThat(launcher.names()).containsExactly("app#0", "sidecar#0");
    }

    @Test
    void aLaunchItsLeavingProviderRefusesStartsOnTheSuccessorWithoutBackOff() {
        current = provider("1.0.0", UpgradeStrategy.RESTART, 1);
        PodWorker w = worker(RestartPolicy.Never);
        deferLaunches = true;
        w.start();
        Provider old = current;
        current = null;
        w.runtimeRemoving(old);
        launcher.failures.put("app", new LaunchException(Reasons.CREATE_CONTAINER_ERROR,
                "the WASI runtime is shutting down"));
        runLaunches();
        launcher.failures.clear();

        assertThat(((ContainerState.Waiting) app().state()).reason()).isEqualTo(Reasons.RUNTIME_UNAVAILABLE);
        assertThat(eventsWith(Reasons.FAILED)).as("not the container's failure").isEmpty();
        assertThat(eventsWith(Reasons.RUNTIME_UNAVAILABLE)).as("no warning while it may come back").isEmpty();
        assertThat(timers.pending()).as("no back-off timer").isZero();

        current = provider("1.1.0", UpgradeStrategy.RESTART, 2);
        w.providerAdded(current, Optional.of(old));
        runLaunches();
        assertThat(launcher.names()).containsExactly("app#0");
        assertThat(launcher.last("app").runtime).isSameAs(current.service());
        assertThat(app().state()).isInstanceOf(ContainerState.Running.class);
        assertThat(app().restartCount()).as("it never ran before").isZero();
        assertThat(eventsWith(Reasons.PROVIDER_UPGRADED)).singleElement().asString()
                .contains("restarts on the new revision");
    }

    @Test
    void aLaunchCompletedOnALeavingProviderIsStoppedAndSaysWhy() {
        current = provider("1.0.0", UpgradeStrategy.RESTART, 1);
        PodWorker w = worker(RestartPolicy.Never);
        deferLaunches = true;
        w.start();
        Provider old = current;
        current = null;
        w.runtimeRemoving(old);
        runLaunches();

        assertThat(launcher.last("app").stopRequested).isEqualTo(POD_GRACE);
        assertThat(eventsWith(Reasons.KILLING)).singleElement().asString().contains("1.0.0 (bundle 57) is leaving");
        launcher.last("app").exit(137, timers.now());
        assertThat(app().lastState().reason()).isEqualTo(Reasons.PROVIDER_REMOVED);
        assertThat(eventsWith(Reasons.RUNTIME_UNAVAILABLE)).isEmpty();

        current = provider("1.1.0", UpgradeStrategy.RESTART, 2);
        w.providerAdded(current, Optional.of(old));
        runLaunches();
        assertThat(launcher.names()).as("Never, yet started again: a preemption").containsExactly("app#0", "app#1");
        assertThat(app().restartCount()).isEqualTo(1);
    }
}
