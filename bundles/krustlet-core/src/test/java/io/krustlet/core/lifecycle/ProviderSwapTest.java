package io.krustlet.core.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ResourceLimits;
import io.krustlet.api.RuntimeInfo;
import io.krustlet.core.pod.ContainerDefinition;
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
import org.junit.jupiter.api.Test;

/**
 * A pod's containers when their provider is upgraded, restarted, removed for good, or declares
 * carry-over; and a pod whose RuntimeClass does not resolve. The states and Events at each step.
 */
class ProviderSwapTest {

    private final ManualTimers timers = new ManualTimers();
    private final FakeLauncher launcher = new FakeLauncher();
    private final List<PodSnapshot> published = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private Provider current;

    private static Provider provider(String version, UpgradeStrategy upgrade, long serviceId) {
        return new Provider("wasi", "wasm32-wasi", 0, serviceId, new ProviderIdentity(57, "io.krustlet.wasi", version),
                upgrade, new Named(version + "#" + serviceId));
    }

    private PodWorker worker(RestartPolicy policy, RuntimeBinding binding) {
        var pod = new PodDefinition("default", "p", "uid-1", "api", "web", policy, Duration.ofSeconds(30), List.of(),
                List.of(new ContainerDefinition("app", "fs/app.wasm", null, List.of(), List.of(), Map.of(), null,
                        List.of(), ResourceLimits.NONE)), List.of(), Map.of());
        PodEvents recorder = (p, container, warning, reason, message) ->
                events.add((warning ? "Warning " : "Normal ") + reason + ": " + message);
        var services = new WorkerServices(timers, runtime -> current != null && runtime.equals(current.runtime())
                ? Optional.of(current.service()) : Optional.empty(), launcher, Runnable::run, recorder);
        return new PodWorker(pod, binding, null, services, published::add);
    }

    private ContainerStatus app() {
        return published.get(published.size() - 1).status().containerStatuses().get(0);
    }

    private List<String> eventsWith(String reason) {
        return events.stream().filter(e -> e.contains(" " + reason + ": ")).toList();
    }

    @Test
    void anUpgradeStopsAndRestartsTheContainerOnTheNewRevisionAndSaysSo() {
        current = provider("1.0.0", UpgradeStrategy.RESTART, 1);
        PodWorker w = worker(RestartPolicy.Never, RuntimeBinding.fixed("wasi"));
        w.start();
        Provider old = current;

        current = null; // the registry drops the provider before it tells the workers
        w.runtimeRemoving(old);
        assertThat(launcher.last("app").stopRequested).as("stopped with the pod's grace period")
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(app().state()).as("still running until it exits").isInstanceOf(ContainerState.Running.class);
        launcher.last("app").exit(137, timers.now());
        var waiting = (ContainerState.Waiting) app().state();
        assertThat(waiting.reason()).isEqualTo(Reasons.RUNTIME_UNAVAILABLE);
        assertThat(app().lastState().reason()).isEqualTo(Reasons.PROVIDER_REMOVED);
        assertThat(app().lastState().message()).contains("io.krustlet.wasi 1.0.0 (bundle 57)");
        assertThat(published.get(published.size() - 1).status().phase()).isEqualTo(PodPhase.Running);

        current = provider("1.1.0", UpgradeStrategy.RESTART, 2);
        w.providerAdded(current, Optional.of(old));
        assertThat(launcher.names()).containsExactly("app#0", "app#1");
        assertThat(launcher.last("app").runtime).isSameAs(current.service());
        assertThat(app().state()).isInstanceOf(ContainerState.Running.class);
        assertThat(app().restartCount()).isEqualTo(1);
        assertThat(eventsWith(Reasons.PROVIDER_UPGRADED)).singleElement().asString()
                .contains("upgraded from 1.0.0 to 1.1.0").contains("restarts on the new revision");
        assertThat(eventsWith(Reasons.PROVIDER_REMOVED)).isEmpty();
        assertThat(eventsWith(Reasons.RUNTIME_UNAVAILABLE)).as("no warning while the provider is replaced").isEmpty();

        // the old revision's return window passes later: nothing left to do, no false alarm
        w.providerGone(old);
        assertThat(eventsWith(Reasons.PROVIDER_REMOVED)).isEmpty();
    }

    @Test
    void aProviderRemovedForGoodLeavesTheContainerWaitingWithAWarning() {
        current = provider("1.0.0", UpgradeStrategy.RESTART, 1);
        PodWorker w = worker(RestartPolicy.Always, RuntimeBinding.fixed("wasi"));
        w.start();
        Provider old = current;
        current = null;
        w.runtimeRemoving(old);
        launcher.last("app").exit(137, timers.now());
        w.providerGone(old);

        assertThat(((ContainerState.Waiting) app().state()).reason()).isEqualTo(Reasons.RUNTIME_UNAVAILABLE);
        assertThat(eventsWith(Reasons.PROVIDER_REMOVED)).singleElement().asString().startsWith("Warning")
                .contains("io.krustlet.wasi 1.0.0 (bundle 57) was removed");
        assertThat(launcher.names()).containsExactly("app#0");
    }

    @Test
    void aCarryOverProviderLeavesItsContainerRunningUntilItIsGone() {
        current = provider("1.0.0", UpgradeStrategy.CARRY_OVER, 1);
        PodWorker w = worker(RestartPolicy.Always, RuntimeBinding.fixed("wasi"));
        w.start();
        Provider old = current;
        current = null;
        w.runtimeRemoving(old);
        assertThat(launcher.last("app").stopRequested).as("carried over, not stopped").isNull();
        assertThat(app().state()).isInstanceOf(ContainerState.Running.class);

        current = provider("1.1.0", UpgradeStrategy.CARRY_OVER, 2);
        w.providerAdded(current, Optional.of(old));
        assertThat(eventsWith(Reasons.PROVIDER_UPGRADED)).singleElement().asString().contains("carried over");
        assertThat(launcher.names()).as("no second copy").containsExactly("app#0");

        // when the carried container ends, it restarts by its policy on the new revision
        launcher.last("app").exit(0, timers.now());
        timers.advance(Duration.ofSeconds(10));
        assertThat(launcher.names()).containsExactly("app#0", "app#1");
        assertThat(launcher.last("app").runtime).isSameAs(current.service());
    }

    @Test
    void aCarriedContainerIsStoppedWhenItsProviderDoesNotComeBack() {
        current = provider("1.0.0", UpgradeStrategy.CARRY_OVER, 1);
        PodWorker w = worker(RestartPolicy.Always, RuntimeBinding.fixed("wasi"));
        w.start();
        Provider old = current;
        current = null;
        w.runtimeRemoving(old);
        w.providerGone(old);
        assertThat(launcher.last("app").stopRequested).isNotNull();
        launcher.last("app").exit(137, timers.now());
        assertThat(((ContainerState.Waiting) app().state()).reason()).isEqualTo(Reasons.RUNTIME_UNAVAILABLE);
        assertThat(app().lastState().reason()).isEqualTo(Reasons.PROVIDER_REMOVED);
        assertThat(app().lastState().message()).contains("io.krustlet.wasi 1.0.0 (bundle 57)");
        // as for a container that already waited: Killing when stopped, then one ProviderRemoved warning
        assertThat(eventsWith(Reasons.KILLING)).singleElement().asString().contains("is leaving the node");
        assertThat(eventsWith(Reasons.PROVIDER_REMOVED)).singleElement().asString().startsWith("Warning")
                .contains("io.krustlet.wasi 1.0.0 (bundle 57) was removed");
        assertThat(eventsWith(Reasons.RUNTIME_UNAVAILABLE)).isEmpty();
    }

    @Test
    void aContainerCarriedOntoASuccessorLeavesWithThatSuccessor() {
        current = provider("1.0.0", UpgradeStrategy.CARRY_OVER, 1);
        PodWorker w = worker(RestartPolicy.Always, RuntimeBinding.fixed("wasi"));
        w.start();
        Provider first = current;
        current = null;
        w.runtimeRemoving(first);
        current = provider("1.1.0", UpgradeStrategy.CARRY_OVER, 2);
        w.providerAdded(current, Optional.of(first));
        Provider second = current;

        // the successor is upgraded in turn: the container still runs on 1.0.0 and is carried again
        current = null;
        w.runtimeRemoving(second);
        current = provider("1.2.0", UpgradeStrategy.CARRY_OVER, 3);
        w.providerAdded(current, Optional.of(second));
        assertThat(eventsWith(Reasons.PROVIDER_UPGRADED)).hasSize(2).last().asString()
                .contains("upgraded from 1.1.0 to 1.2.0").contains("carried over");
        assertThat(launcher.last("app").stopRequested).as("carried twice, never stopped").isNull();
        Provider third = current;

        // that bundle is uninstalled: what runs on any of its revisions stops, with the pod's grace period
        current = null;
        w.runtimeRemoving(third);
        w.providerGone(third);
        assertThat(launcher.last("app").stopRequested).isEqualTo(Duration.ofSeconds(30));
        assertThat(eventsWith(Reasons.KILLING)).singleElement().asString().contains("io.krustlet.wasi 1.2.0");
        launcher.last("app").exit(137, timers.now());
        assertThat(((ContainerState.Waiting) app().state()).reason()).isEqualTo(Reasons.RUNTIME_UNAVAILABLE);
        assertThat(app().lastState().reason()).isEqualTo(Reasons.PROVIDER_REMOVED);
        assertThat(app().lastState().message()).contains("io.krustlet.wasi 1.2.0 (bundle 57)");
        assertThat(eventsWith(Reasons.PROVIDER_REMOVED)).singleElement().asString().contains("1.2.0");
        assertThat(launcher.names()).containsExactly("app#0");
    }

    @Test
    void aContainerCarriedOntoASuccessorIsRestartedWhenThatSuccessorRestartsOnUpgrade() {
        current = provider("1.0.0", UpgradeStrategy.CARRY_OVER, 1);
        PodWorker w = worker(RestartPolicy.Always, RuntimeBinding.fixed("wasi"));
        w.start();
        Provider first = current;
        current = null;
        w.runtimeRemoving(first);
        current = provider("1.1.0", UpgradeStrategy.RESTART, 2);
        w.providerAdded(current, Optional.of(first));
        Provider second = current;

        current = null;
        w.runtimeRemoving(second);
        assertThat(launcher.last("app").stopRequested).as("the leaving revision restarts its containers")
                .isEqualTo(Duration.ofSeconds(30));
        launcher.last("app").exit(137, timers.now());
        current = provider("1.2.0", UpgradeStrategy.RESTART, 3);
        w.providerAdded(current, Optional.of(second));
        assertThat(launcher.names()).containsExactly("app#0", "app#1");
        assertThat(launcher.last("app").runtime).isSameAs(current.service());
        assertThat(app().restartCount()).isEqualTo(1);
    }

    @Test
    void anUnresolvedRuntimeClassWaitsWithTheKubeletsErrorAndStartsOnceItResolves() {
        current = provider("1.0.0", UpgradeStrategy.RESTART, 1);
        RuntimeBinding.Resolution[] resolution = {RuntimeBinding.Resolution.failed("web", "RuntimeClass \"web\" not found")};
        PodWorker w = worker(RestartPolicy.Never, () -> resolution[0]);
        w.start();
        var waiting = (ContainerState.Waiting) app().state();
        assertThat(waiting.reason()).isEqualTo(Reasons.CONTAINER_CREATING);
        assertThat(waiting.message()).isEqualTo("RuntimeClass \"web\" not found");
        assertThat(eventsWith(Reasons.FAILED_CREATE_POD_SANDBOX)).singleElement().asString()
                .isEqualTo("Warning FailedCreatePodSandBox: Failed to create pod sandbox: RuntimeClass \"web\" not found");

        // the class now names a handler no provider serves
        resolution[0] = RuntimeBinding.Resolution.of("wagi", "web");
        w.runtimeClassesChanged();
        waiting = (ContainerState.Waiting) app().state();
        assertThat(waiting.reason()).isEqualTo(Reasons.RUNTIME_UNAVAILABLE);
        assertThat(waiting.message()).contains("\"wagi\" (RuntimeClass \"web\")");
        assertThat(eventsWith(Reasons.RUNTIME_UNAVAILABLE)).hasSize(1);

        resolution[0] = RuntimeBinding.Resolution.of("wasi", "web");
        w.runtimeClassesChanged();
        assertThat(launcher.names()).containsExactly("app#0");
        assertThat(published.get(published.size() - 1).runtime()).isEqualTo("wasi");
    }

    /** A provider service that only names itself: the fake launcher starts the containers. */
    record Named(String name) implements ContainerRuntime {
        @Override
        public RuntimeInfo info() {
            return new RuntimeInfo("wasi", "wasm32-wasi", name, "0");
        }

        @Override
        public io.krustlet.api.ContainerHandle start(io.krustlet.api.ContainerSpec spec,
                io.krustlet.api.ContainerOutput output) {
            throw new UnsupportedOperationException("the fake launcher starts containers");
        }
    }
}
