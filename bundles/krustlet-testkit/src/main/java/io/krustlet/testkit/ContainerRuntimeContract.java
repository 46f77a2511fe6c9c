package io.krustlet.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerId;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.ContainerUsage;
import io.krustlet.api.ModuleRef;
import io.krustlet.api.ResourceLimits;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link ContainerRuntime} keeps, as a JUnit 5 test: a provider's test class
 * extends it, says how to make its runtime and how to write a container for each abstract
 * behaviour, and inherits one test per rule. Each test drives the provider through the SPI only
 * ({@link ContainerRuntime#start}, {@link ContainerHandle#exit()}, {@link ContainerHandle#stop},
 * {@link ContainerHandle#usage()}) plus the provider's own deactivation, and names in its Javadoc
 * the rule it enforces and where the rule is written.
 *
 * <pre>{@code
 * class MyRuntimeContractTest extends ContainerRuntimeContract {
 *     protected ContainerRuntime newRuntime() { return new MyRuntime(); }
 *     protected void deactivate(ContainerRuntime runtime) { ((MyRuntime) runtime).deactivate(); }
 *     protected ContainerSpec exitWith(int code) { return spec(module, "exit", String.valueOf(code)); }
 *     protected ContainerSpec print(String out, String err) { return spec(module, "print", out, "eprint", err); }
 *     protected ContainerSpec runUntilStopped() { return spec(module, "run"); }
 *     protected ContainerSpec unstartable() { return spec(brokenModule); }
 * }
 * }</pre>
 *
 * <p>Capabilities a provider may lack are flags ({@link #enforcesMemoryLimits()},
 * {@link #measuresUsage()}) or optional behaviours ({@link #ignoringStop()}); the tests that need
 * them are skipped (and reported as skipped) when they are off. {@link #carriesOverContainers()}
 * picks which of the two deactivation rules applies. Waits have deadlines
 * ({@link #timeout()}, {@link #slack()}); nothing sleeps to synchronise.
 *
 * <p>Each test gets a new runtime from {@link #newRuntime()}; afterwards every container it started
 * is stopped and the runtime deactivated. Not thread-safe: JUnit runs one test at a time per instance.
 */
public abstract class ContainerRuntimeContract {

    /** The memory limit of the limit test, in bytes. */
    protected static final long MEMORY_LIMIT = 32L << 20;
    /** An allocation the limit test expects to fit in {@link #MEMORY_LIMIT}. */
    protected static final long WITHIN_LIMIT = 8L << 20;
    /** An allocation the limit test expects to exceed {@link #MEMORY_LIMIT}. */
    protected static final long OVER_LIMIT = 64L << 20;

    /** The grace period given to a container that stops when asked. */
    private static final Duration GRACE = Duration.ofSeconds(2);
    /**
     * The grace period given to a container that ignores its stop: the test waits it out, and
     * stop() must have returned well before it ends.
     */
    private static final Duration IGNORED_GRACE = Duration.ofSeconds(2);
    private static final AtomicLong PODS = new AtomicLong();

    private ContainerRuntime runtime;
    private boolean deactivated;
    private Set<Thread> threadsBefore;
    private final List<Run> runs = new ArrayList<>();

    // ---------------------------------------------------------------- what a provider supplies

    /** A new provider, activated as Declarative Services would activate it. Called before each test. */
    protected abstract ContainerRuntime newRuntime() throws Exception;

    /**
     * The provider's own shutdown hook (its {@code @Deactivate} method), as Declarative Services
     * calls it when the bundle is stopped, updated, refreshed or uninstalled.
     */
    protected abstract void deactivate(ContainerRuntime runtime) throws Exception;

    /** A container that exits at once with exit code {@code code} (0-255), writing nothing. */
    protected abstract ContainerSpec exitWith(int code);

    /**
     * A container that writes {@code stdoutLine + "\n"} to stdout and {@code stderrLine + "\n"} to
     * stderr, both UTF-8, then exits with code 0. The lines hold no line breaks.
     */
    protected abstract ContainerSpec print(String stdoutLine, String stderrLine);

    /** A container that runs until it is stopped and then ends as soon as it can. */
    protected abstract ContainerSpec runUntilStopped();

    /** A container whose start cannot succeed (an invalid module, say). */
    protected abstract ContainerSpec unstartable();

    /**
     * A container that ignores a stop (as a process that traps SIGTERM does) and runs until the
     * grace period is over; empty when the provider's modules cannot do that (a WASI module has no
     * signal to trap, for example).
     */
    protected Optional<ContainerSpec> ignoringStop() {
        return Optional.empty();
    }

    /** Whether the provider enforces {@link ResourceLimits#memoryBytes()}; then override {@link #allocate}. */
    protected boolean enforcesMemoryLimits() {
        return false;
    }

    /**
     * A container that allocates {@code bytes} of memory (a multiple of 1 MiB) and holds it, then
     * exits with code 0. Used only when {@link #enforcesMemoryLimits()}.
     */
    protected ContainerSpec allocate(long bytes) {
        throw new UnsupportedOperationException("enforcesMemoryLimits() is true: override allocate(bytes)");
    }

    /**
     * Whether the provider registers with {@code krustlet.upgrade=carry-over}
     * ({@link ContainerRuntime#UPGRADE_CARRY_OVER}): its containers outlive its deactivation and
     * the core stops them later. Default: {@link ContainerRuntime#UPGRADE_RESTART}.
     */
    protected boolean carriesOverContainers() {
        return false;
    }

    /** Whether {@link ContainerHandle#usage()} reports something while a container runs. */
    protected boolean measuresUsage() {
        return false;
    }

    /** The longest a container that does next to nothing may take from start to exit, on a loaded machine. */
    protected Duration timeout() {
        return Duration.ofSeconds(30);
    }

    /** Scheduling slack on top of a grace period before a late exit counts as a broken promise. */
    protected Duration slack() {
        return Duration.ofSeconds(3);
    }

    /** How long the threads a provider started may take to end after its deactivation returned. */
    protected Duration threadDeadline() {
        return Duration.ofSeconds(10);
    }

    /**
     * A container spec with a unique {@link ContainerId} (namespace {@code contract}, container
     * {@code main}), {@code argv = ["main", args...]}, no environment, mounts or limits.
     */
    protected final ContainerSpec spec(ModuleRef module, String... args) {
        long n = PODS.incrementAndGet();
        List<String> argv = new ArrayList<>();
        argv.add("main");
        argv.addAll(List.of(args));
        return new ContainerSpec(new ContainerId("contract", "pod-" + n, UUID.randomUUID().toString(), "main", 0),
                module, argv, Map.of(), List.of(), null, ResourceLimits.NONE);
    }

    /** {@code spec} with other limits. */
    protected static ContainerSpec withLimits(ContainerSpec spec, ResourceLimits limits) {
        return new ContainerSpec(spec.id(), spec.module(), spec.argv(), spec.env(), spec.mounts(), spec.workingDir(),
                limits, spec.ports(), spec.annotations(), spec.hostIP());
    }

    /** The runtime of the running test, for provider-specific tests in the subclass. */
    protected final ContainerRuntime runtime() {
        return runtime;
    }

    /** Starts {@code spec} with fresh {@link CapturedOutput}; stopped after the test. */
    protected final Run start(ContainerSpec spec) throws ContainerStartException {
        var output = new CapturedOutput();
        Run run = new Run(runtime.start(spec, output.output()), output, this);
        runs.add(run);
        return run;
    }

    /** A started container and its captured output. */
    public static final class Run {
        private final ContainerHandle handle;
        private final CapturedOutput output;
        private final ContainerRuntimeContract test;

        Run(ContainerHandle handle, CapturedOutput output, ContainerRuntimeContract test) {
            this.handle = handle;
            this.output = output;
            this.test = test;
        }

        public ContainerHandle handle() {
            return handle;
        }

        public CapturedOutput output() {
            return output;
        }

        public boolean exited() {
            return handle.exit().toCompletableFuture().isDone();
        }

        /** Waits for the exit up to {@link ContainerRuntimeContract#timeout()}. */
        public ContainerExit awaitExit() {
            return awaitExit(test.timeout());
        }

        /** Waits for the exit up to {@code deadline}; fails if it does not come or comes exceptionally. */
        public ContainerExit awaitExit(Duration deadline) {
            CompletableFuture<ContainerExit> exit = handle.exit().toCompletableFuture();
            try {
                return exit.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return fail("no exit within %d ms", deadline.toMillis());
            } catch (ExecutionException e) {
                return fail("exit() completed exceptionally, which ContainerHandle#exit forbids", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted");
            }
        }
    }

    // ---------------------------------------------------------------- fixture

    @BeforeEach
    final void activateRuntime() throws Exception {
        threadsBefore = liveThreads();
        runtime = newRuntime();
    }

    /**
     * Stops what the test started and deactivates the runtime; then, once the provider's threads
     * are gone (or {@link #threadDeadline()} passed: the deactivation test reports that), checks
     * that no container's streams were closed, whenever the provider might have done it.
     */
    @AfterEach
    final void deactivateRuntime() throws Exception {
        runs.forEach(r -> r.handle().stop(Duration.ZERO));
        if (!deactivated) {
            deactivate(runtime);
        }
        try {
            await().atMost(threadDeadline()).until(() -> newThreads().isEmpty());
        } catch (ConditionTimeoutException leftOver) {
            // reported by the deactivation tests
        }
        for (Run run : runs) {
            assertThat(run.output().closed()).as("the provider closed a stream of %s that the core owns",
                    run.handle()).isFalse();
        }
    }

    /** Awaitility polling on the test's own thread, so waiting starts no thread of its own. */
    private ConditionFactory await() {
        return Awaitility.await().pollInSameThread().pollInterval(Duration.ofMillis(10)).atMost(timeout());
    }

    // ---------------------------------------------------------------- the contract

    /**
     * {@link ContainerRuntime#info()} names the runtime and the architecture the node advertises
     * for it ({@link io.krustlet.api.RuntimeInfo}), so neither may be blank.
     */
    @Test
    void infoNamesTheRuntimeAndItsArchitecture() {
        var info = runtime.info();
        assertThat(info.runtime()).isNotBlank();
        assertThat(info.arch()).isNotBlank();
        assertThat(info.engine()).isNotBlank();
    }

    /**
     * {@link ContainerRuntime#start}: "Starts one container and returns as soon as it runs; the
     * module runs in the background", on the provider's own threads: the core's launch thread is
     * not the container's.
     */
    @Test
    void startReturnsAsSoonAsTheContainerRunsInTheBackground() throws Exception {
        Run run = start(runUntilStopped());
        assertThat(run.handle()).isNotNull();
        assertThat(run.handle().exit()).isNotNull();
        assertThat(run.exited()).as("a container that runs until stopped has not exited").isFalse();
    }

    /**
     * {@link ContainerExit}: the exit carries the container's own code with the reason Kubernetes
     * gives it ({@code Completed} for 0, {@code Error} otherwise) and when it finished (wall-clock
     * time). {@link ContainerHandle#exit()} completes once, never exceptionally, so every call sees
     * the same exit.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 42})
    void theExitCarriesTheContainersCodeWithTheKubernetesReason(int code) throws Exception {
        Instant before = Instant.now();
        Run run = start(exitWith(code));
        ContainerExit exit = run.awaitExit();
        assertThat(exit.exitCode()).isEqualTo(code);
        assertThat(exit.reason()).isEqualTo(code == 0 ? ContainerExit.COMPLETED : ContainerExit.ERROR);
        assertThat(exit.finishedAt()).isBetween(before.minusSeconds(1), Instant.now().plusSeconds(1));
        assertThat(run.handle().exit().toCompletableFuture().get()).isEqualTo(exit);
    }

    /**
     * {@link ContainerHandle#stop}: "exit() completes when it has stopped, at the latest after
     * gracePeriod". The kubelet stops containers on pod deletion with the pod's
     * {@code terminationGracePeriodSeconds} and reports the exit it gets.
     */
    @Test
    void stopEndsARunningContainerWithinItsGracePeriod() throws Exception {
        Run run = start(runUntilStopped());
        long asked = System.nanoTime();
        run.handle().stop(GRACE);
        ContainerExit exit = run.awaitExit(GRACE.plus(slack()));
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(GRACE.plus(slack()));
        assertThat(exit.reason()).isNotBlank();
    }

    /**
     * {@link ContainerHandle#stop} with a zero grace period, as a force delete
     * ({@code --grace-period=0 --force}) asks: the exit still completes, within scheduling slack.
     */
    @Test
    void stopWithAZeroGracePeriodEndsTheContainerAtOnce() throws Exception {
        Run run = start(runUntilStopped());
        run.handle().stop(Duration.ZERO);
        assertThat(run.awaitExit(slack()).reason()).isNotBlank();
    }

    /**
     * {@link ContainerHandle#stop}: "Returns at once; exit() completes ... at the latest after
     * gracePeriod", also for a container that ignores the request: the grace period is a promise to
     * the kubelet, not a request to the container.
     */
    @Test
    void aContainerThatIgnoresItsStopEndsAtTheLatestWhenTheGracePeriodIsOver() throws Exception {
        Optional<ContainerSpec> spec = ignoringStop();
        Assumptions.assumeTrue(spec.isPresent(), "the provider cannot model a container that ignores its stop");
        Run run = start(spec.get());
        CompletableFuture<Long> exitedAt = run.handle().exit().toCompletableFuture().thenApply(e -> System.nanoTime());
        long asked = System.nanoTime();
        run.handle().stop(IGNORED_GRACE);
        long returned = System.nanoTime();
        ContainerExit exit = run.awaitExit(IGNORED_GRACE.plus(slack()));
        long exited = exitedAt.get();
        assertThat(Duration.ofNanos(exited - asked)).isLessThan(IGNORED_GRACE.plus(slack()));
        assertThat(exited - returned).as("stop() returned at once, before the container's exit").isPositive();
        assertThat(exit.reason()).isNotBlank();
    }

    /**
     * {@link ContainerHandle#stop}: "Calling it again (a force delete shortens the grace period)
     * ... is harmless": a second stop with a zero grace period ends a container that ignores the
     * first at once, not when the first grace period is over.
     */
    @Test
    void aForceDeleteShortensTheGracePeriodOfAContainerThatIgnoresItsStop() throws Exception {
        Optional<ContainerSpec> spec = ignoringStop();
        Assumptions.assumeTrue(spec.isPresent(), "the provider cannot model a container that ignores its stop");
        Run run = start(spec.get());
        run.handle().stop(Duration.ofMinutes(10));
        run.handle().stop(Duration.ZERO);
        assertThat(run.awaitExit(slack()).reason()).isNotBlank();
    }

    /** {@link ContainerHandle#stop}: "Calling it again ... is harmless": one exit, within the first grace period. */
    @Test
    void stopTwiceIsHarmless() throws Exception {
        Run run = start(runUntilStopped());
        run.handle().stop(GRACE);
        run.handle().stop(GRACE);
        ContainerExit exit = run.awaitExit(GRACE.plus(slack()));
        run.handle().stop(Duration.ZERO);
        assertThat(run.handle().exit().toCompletableFuture().get()).isEqualTo(exit);
    }

    /** {@link ContainerHandle#stop}: calling it "after the exit, is harmless": the exit stays what it was. */
    @Test
    void stopAfterTheExitIsHarmlessAndChangesNothing() throws Exception {
        Run run = start(exitWith(0));
        ContainerExit exit = run.awaitExit();
        run.handle().stop(Duration.ZERO);
        run.handle().stop(GRACE);
        assertThat(run.handle().exit().toCompletableFuture().get()).isEqualTo(exit);
        assertThat(exit.reason()).isEqualTo(ContainerExit.COMPLETED);
    }

    /**
     * {@link io.krustlet.api.ContainerOutput}: stdout and stderr go to their own stream, and
     * {@link ContainerRuntime#start}: "the provider closes neither". All output has arrived when
     * the exit completes: the core then closes the container's log and takes the termination
     * message from its last line.
     */
    @Test
    void stdoutAndStderrReachTheirOwnStreamsCompleteByTheExitAndStayOpen() throws Exception {
        Run run = start(print("hello from stdout ✓", "and from stderr ✗"));
        ContainerExit exit = run.awaitExit();
        assertThat(run.output().stdout()).isEqualTo("hello from stdout ✓\n");
        assertThat(run.output().stderr()).isEqualTo("and from stderr ✗\n");
        assertThat(run.output().closed()).as("the provider closed a stream the core owns").isFalse();
        assertThat(exit.reason()).isEqualTo(ContainerExit.COMPLETED);
    }

    /** A container writes only to the streams it was given: pods never see each other's output. */
    @Test
    void eachContainerWritesOnlyToItsOwnStreams() throws Exception {
        Run first = start(print("first out", "first err"));
        Run second = start(print("second out", "second err"));
        first.awaitExit();
        second.awaitExit();
        assertThat(first.output().stdout() + first.output().stderr()).isEqualTo("first out\nfirst err\n");
        assertThat(second.output().stdout() + second.output().stderr()).isEqualTo("second out\nsecond err\n");
    }

    /**
     * {@link ResourceLimits#memoryBytes()} and {@link ContainerExit#OOM_KILLED}: a container that
     * exceeds its memory limit ends as {@code OOMKilled}, as the kubelet reports a container the
     * kernel's OOM killer ended; one that stays within it is not affected.
     */
    @Test
    void aContainerOverItsMemoryLimitIsOomKilledAndOneWithinItCompletes() throws Exception {
        Assumptions.assumeTrue(enforcesMemoryLimits(), "the provider does not claim to enforce memory limits");
        var limits = new ResourceLimits(MEMORY_LIMIT, 0);
        Run within = start(withLimits(allocate(WITHIN_LIMIT), limits));
        assertThat(within.awaitExit().reason()).isEqualTo(ContainerExit.COMPLETED);
        Run over = start(withLimits(allocate(OVER_LIMIT), limits));
        ContainerExit exit = over.awaitExit();
        assertThat(exit.reason()).isEqualTo(ContainerExit.OOM_KILLED);
        assertThat(exit.exitCode()).isNotZero();
    }

    /**
     * {@link ContainerHandle#usage()}: empty, or plausible while the container runs (CPU time a
     * counter that never goes back, memory in use above zero, samples in time order), and "empty
     * when ... the container is no longer running". A provider that {@link #measuresUsage()} must
     * report something while the container runs.
     */
    @Test
    void usageIsPlausibleWhileTheContainerRunsAndEmptyAfterItsExit() throws Exception {
        Run run = start(runUntilStopped());
        if (measuresUsage()) {
            await().until(() -> run.handle().usage().isPresent());
        }
        List<ContainerUsage> samples = new ArrayList<>();
        int[] polls = {0};
        // five samples, 20 ms apart, while it runs
        await().pollInterval(Duration.ofMillis(20)).until(() -> {
            run.handle().usage().ifPresent(samples::add);
            return ++polls[0] >= 5;
        });
        if (measuresUsage()) {
            assertThat(samples).as("usage of a running container, from a provider that measures it").hasSize(5);
        }
        for (int i = 0; i < samples.size(); i++) {
            ContainerUsage usage = samples.get(i);
            assertThat(usage.time()).isNotNull();
            assertThat(usage.cpuNanos()).isNotNegative();
            assertThat(usage.memoryBytes()).as("memory in use by a running container").isPositive();
            if (i > 0) {
                assertThat(usage.cpuNanos()).as("CPU time is a counter").isGreaterThanOrEqualTo(samples.get(i - 1).cpuNanos());
                assertThat(usage.time()).isAfterOrEqualTo(samples.get(i - 1).time());
            }
        }
        assertThat(run.exited()).isFalse();
        run.handle().stop(Duration.ZERO);
        run.awaitExit(slack());
        assertThat(run.handle().usage()).as("usage after the exit").isEmpty();
        Run done = start(exitWith(0));
        done.awaitExit();
        assertThat(done.handle().usage()).as("usage after the exit").isEmpty();
    }

    /**
     * {@link ContainerRuntime#start} and {@link ContainerStartException}: a container that cannot
     * be started at all is refused with a reason in the kubelet's vocabulary (one CamelCase word,
     * it becomes the waiting reason) and a message; nothing is left running, the streams are not
     * closed, and the runtime goes on starting other containers.
     */
    @Test
    void aStartThatCannotSucceedThrowsWithAReasonAndTheRuntimeCarriesOn() throws Exception {
        var output = new CapturedOutput();
        assertThatThrownBy(() -> runtime.start(unstartable(), output.output()))
                .isInstanceOfSatisfying(ContainerStartException.class, e -> {
                    assertThat(e.reason()).matches("[A-Z][A-Za-z0-9]*");
                    assertThat(e.getMessage()).isNotBlank();
                });
        assertThat(output.closed()).as("the provider closed a stream the core owns").isFalse();
        assertThat(start(exitWith(0)).awaitExit().reason()).isEqualTo(ContainerExit.COMPLETED);
    }

    /**
     * Containers are independent: one ending or being stopped leaves the others running, as the
     * quality bar asks ("other pods untouched").
     */
    @Test
    void containersAreIndependent() throws Exception {
        Run a = start(runUntilStopped());
        Run b = start(runUntilStopped());
        Run c = start(exitWith(3));
        assertThat(c.awaitExit().exitCode()).isEqualTo(3);
        assertThat(a.exited() || b.exited()).as("another container's exit ended a running one").isFalse();
        a.handle().stop(GRACE);
        a.awaitExit(GRACE.plus(slack()));
        assertThat(b.exited()).as("another container's stop ended a running one").isFalse();
    }

    /**
     * Deactivation with running containers (the bundle stopped, updated, refreshed or removed), for
     * a provider that restarts on upgrade ({@link ContainerRuntime}: "the provider's deactivation
     * should also stop whatever still runs, so that no container outlives the bundle's class
     * loader"): every exit completes, so the core learns how each container ended; nothing keeps
     * running ({@code usage()} is empty) or writing to the streams the core is about to close; a
     * start that races the deactivation is refused or ends at once; and every thread the provider
     * started ends within {@link #threadDeadline()}, so no stale class loader stays reachable.
     *
     * <p>"Threads the provider started" are the threads alive now that were not before
     * {@link #newRuntime()}, except the JDK's shared ones (the common pool, the timer of
     * {@code CompletableFuture.delayedExecutor}) and the JVM's system threads.
     */
    @Test
    void deactivationEndsEveryContainerAndLeavesNoThreadBehind() throws Exception {
        Assumptions.assumeFalse(carriesOverContainers(), "the provider carries its containers over");
        List<Run> running = startSeveral();
        List<CompletableFuture<Long>> bytesAtExit = new ArrayList<>();
        for (Run run : running) {
            bytesAtExit.add(run.handle().exit().toCompletableFuture().thenApply(e -> run.output().bytes()));
        }

        deactivated = true;
        deactivate(runtime);

        for (Run run : running) {
            assertThat(run.awaitExit().reason()).isNotBlank();
            assertThat(run.handle().usage()).as("usage of a container of a deactivated runtime").isEmpty();
        }
        startAfterDeactivationLeavesNothingRunning();
        awaitNoThreadLeft();
        for (int i = 0; i < running.size(); i++) {
            assertThat(running.get(i).output().bytes()).as("output after the exit").isEqualTo(bytesAtExit.get(i).get());
        }
    }

    /**
     * Deactivation of a provider that carries its containers over ({@link ContainerRuntime}: "the
     * core leaves them running when the service unregisters ... and stops the carried ones only if
     * no successor arrives. Such a provider must not stop its containers in its deactivation"): they
     * run on, their handles still stop them within the grace period, a start that races the
     * deactivation is refused or ends at once, and once they have ended no thread the provider
     * started is left.
     */
    @Test
    void deactivationLeavesCarriedOverContainersRunningAndStoppable() throws Exception {
        Assumptions.assumeTrue(carriesOverContainers(), "the provider restarts its containers on upgrade");
        List<Run> running = startSeveral();

        deactivated = true;
        deactivate(runtime);

        // a stop in the deactivation may take effect a little later: watch them for a second
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(1).plus(slack()))
                .untilAsserted(() -> assertThat(running).as("carried-over containers, after the deactivation")
                        .noneMatch(Run::exited));
        startAfterDeactivationLeavesNothingRunning();
        running.forEach(run -> run.handle().stop(GRACE));
        for (Run run : running) {
            assertThat(run.awaitExit(GRACE.plus(slack())).reason()).isNotBlank();
        }
        awaitNoThreadLeft();
    }

    /** Containers that run until stopped (one ignoring its stop, if the provider can) and one that already ended. */
    private List<Run> startSeveral() throws ContainerStartException {
        List<Run> running = new ArrayList<>(List.of(start(runUntilStopped()), start(runUntilStopped())));
        ignoringStop().ifPresent(spec -> running.add(uncheckedStart(spec)));
        start(exitWith(0)).awaitExit();
        return running;
    }

    private void awaitNoThreadLeft() {
        await().atMost(threadDeadline()).untilAsserted(() -> assertThat(newThreads())
                .as("threads the provider started, alive after its deactivation").isEmpty());
    }

    private void startAfterDeactivationLeavesNothingRunning() {
        try {
            Run late = start(runUntilStopped());
            assertThat(late.awaitExit(slack()).reason()).isNotBlank();
        } catch (ContainerStartException refused) {
            assertThat(refused.reason()).isNotBlank();
        }
    }

    private Run uncheckedStart(ContainerSpec spec) {
        try {
            return start(spec);
        } catch (ContainerStartException e) {
            return fail("start of %s failed: %s %s", spec.id(), e.reason(), e.getMessage());
        }
    }

    private Set<Thread> newThreads() {
        Set<Thread> threads = liveThreads();
        threads.removeAll(threadsBefore);
        threads.removeIf(t -> !t.isAlive() || isSharedJdkThread(t));
        return threads;
    }

    private static Set<Thread> liveThreads() {
        return new HashSet<>(Thread.getAllStackTraces().keySet());
    }

    private static boolean isSharedJdkThread(Thread thread) {
        if (thread instanceof ForkJoinWorkerThread worker && worker.getPool() == ForkJoinPool.commonPool()) {
            return true;
        }
        if (thread.getName().equals("CompletableFutureDelayScheduler")) {
            return true; // CompletableFuture.delayedExecutor's one JVM-wide timer, started on first use
        }
        if (thread.getThreadGroup() != null && thread.getThreadGroup().getName().equals("CarrierThreads")) {
            return true; // the JVM-wide scheduler of virtual threads (Java 21+): carriers, its timer, started on first use
        }
        ThreadGroup group = thread.getThreadGroup();
        return group == null || group.getParent() == null; // the "system" group: reference handler, attach listener...
    }
}
