package io.krustlet.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ModuleRef;
import io.krustlet.testkit.FakeRuntime.Defect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The contract, tested: it passes for a correct provider, and each of its checks fails for a
 * provider broken in the way that check is about.
 */
class ContainerRuntimeContractTest {

    /** The defect the next run of {@link Contract} gets; the runs are sequential, in this JVM. */
    private static volatile Defect defect = Defect.NONE;
    /** Whether the next run of {@link Contract} says the provider carries its containers over. */
    private static volatile boolean carryOver;

    /** The contract on {@link FakeRuntime}; run only through the engine test kit below. */
    static class Contract extends ContainerRuntimeContract {
        private static final ModuleRef MODULE = new ModuleRef("fs/fake", Path.of("fake"), "sha256:0");
        private FakeRuntime fake;

        @Override
        protected ContainerRuntime newRuntime() {
            fake = new FakeRuntime(defect);
            return fake;
        }

        @Override
        protected void deactivate(ContainerRuntime runtime) {
            ((FakeRuntime) runtime).deactivate();
        }

        @org.junit.jupiter.api.AfterEach
        void cleanUp() {
            fake.cleanUp();
        }

        @Override
        protected ContainerSpec exitWith(int code) {
            return spec(MODULE, "exit", String.valueOf(code));
        }

        @Override
        protected ContainerSpec print(String stdoutLine, String stderrLine) {
            return spec(MODULE, "print", stdoutLine, stderrLine);
        }

        @Override
        protected ContainerSpec runUntilStopped() {
            return spec(MODULE, "run");
        }

        @Override
        protected ContainerSpec unstartable() {
            return spec(MODULE, "no-such-thing");
        }

        @Override
        protected Optional<ContainerSpec> ignoringStop() {
            return Optional.of(spec(MODULE, "ignore"));
        }

        @Override
        protected boolean enforcesMemoryLimits() {
            return true;
        }

        @Override
        protected ContainerSpec allocate(long bytes) {
            return spec(MODULE, "alloc", String.valueOf(bytes));
        }

        @Override
        protected boolean measuresUsage() {
            return true;
        }

        @Override
        protected boolean carriesOverContainers() {
            return carryOver;
        }

        /** Short deadlines: the broken providers make the contract wait them out. */
        @Override
        protected Duration timeout() {
            return Duration.ofSeconds(3);
        }

        @Override
        protected Duration slack() {
            return Duration.ofMillis(800);
        }

        @Override
        protected Duration threadDeadline() {
            return Duration.ofSeconds(1);
        }
    }

    private static Events run(Defect broken, org.junit.platform.engine.DiscoverySelector selector) {
        defect = broken;
        try {
            return EngineTestKit.engine("junit-jupiter").selectors(selector).execute().testEvents();
        } finally {
            defect = Defect.NONE;
            carryOver = false;
        }
    }

    @Test
    void aCorrectProviderPassesEveryCheck() {
        Events events = run(Defect.NONE, selectClass(Contract.class));
        assertThat(events.failed().stream().map(ContainerRuntimeContractTest::describe).toList()).isEmpty();
        assertThat(events.aborted().count()).as("skipped by assumption: the carry-over deactivation test").isEqualTo(1);
        assertThat(events.succeeded().count()).isEqualTo(18);
    }

    @Test
    void aCarryOverProviderKeepsItsContainersThroughDeactivationAndOneThatStopsThemFails() {
        String check = Contract.class.getName() + "#deactivationLeavesCarriedOverContainersRunningAndStoppable";
        carryOver = true;
        Events kept = run(Defect.KEEPS_RUNNING_AFTER_DEACTIVATION, selectMethod(check));
        assertThat(kept.failed().stream().map(ContainerRuntimeContractTest::describe).toList()).isEmpty();
        assertThat(kept.succeeded().count()).isEqualTo(1);
        carryOver = true;
        assertThat(run(Defect.NONE, selectMethod(check)).failed().count()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} fails {1}")
    @CsvSource({
        "CLOSES_STREAMS,                     stdoutAndStderrReachTheirOwnStreamsCompleteByTheExitAndStayOpen",
        "CLOSES_STREAMS,                     theExitCarriesTheContainersCodeWithTheKubernetesReason(int)",
        "OUTPUT_AFTER_EXIT,                  deactivationEndsEveryContainerAndLeavesNoThreadBehind",
        "BLOCKING_STOP,                      aContainerThatIgnoresItsStopEndsAtTheLatestWhenTheGracePeriodIsOver",
        "NEVER_KILLS,                        aContainerThatIgnoresItsStopEndsAtTheLatestWhenTheGracePeriodIsOver",
        "IGNORES_STOP,                       stopEndsARunningContainerWithinItsGracePeriod",
        "LEAKS_THREADS,                      deactivationEndsEveryContainerAndLeavesNoThreadBehind",
        "KEEPS_RUNNING_AFTER_DEACTIVATION,   deactivationEndsEveryContainerAndLeavesNoThreadBehind",
        "USAGE_AFTER_EXIT,                   usageIsPlausibleWhileTheContainerRunsAndEmptyAfterItsExit",
        "START_FAILS_WITH_RUNTIME_EXCEPTION, aStartThatCannotSucceedThrowsWithAReasonAndTheRuntimeCarriesOn"})
    void aBrokenProviderFailsTheCheckAboutItsDefect(Defect broken, String check) {
        Events events = run(broken, selectMethod(Contract.class.getName() + "#" + check));
        assertThat(events.failed().count()).as("%s should fail %s", broken, check).isPositive();
    }

    @Test
    void aProviderThatReportsTheWrongReasonFailsTheExitCheckForNonZeroCodes() {
        Events events = run(Defect.WRONG_REASON, selectMethod(Contract.class,
                "theExitCarriesTheContainersCodeWithTheKubernetesReason", "int"));
        assertThat(events.succeeded().count()).as("code 0 is Completed either way").isEqualTo(1);
        assertThat(events.failed().count()).as("codes 1 and 42").isEqualTo(2);
    }

    private static String describe(Event event) {
        return event.getTestDescriptor().getDisplayName() + ": " + event.getPayload().map(Object::toString).orElse("");
    }
}
