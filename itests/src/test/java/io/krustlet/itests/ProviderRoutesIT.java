package io.krustlet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.KubeletNode;
import io.krustlet.core.status.PodEvent;
import io.krustlet.core.status.PodSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Assume;
import org.junit.Before;
import org.junit.FixMethodOrder;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runner.Description;
import org.junit.runner.RunWith;
import org.junit.runners.MethodSorters;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/**
 * Every Karaf route by which a runtime provider comes, goes or changes, taken one after another in
 * one running node joined to an API server, while pods of two providers run: the WASI provider's
 * and the test provider's (runtime {@code test}, through the RuntimeClass {@code scripted}). At
 * every route: the core is not restarted (the same Kubelet instance, no "Kubelet stopping" in the
 * log), the Node stays Ready throughout (every version of it the API server sends is checked), the
 * other provider's pods are never touched (every status the core publishes for them is checked),
 * the runtime label follows the provider within 2 s, and the pods of the provider tell the truth:
 * states, lastState, restartCount, Events, and one run per revision (each run prints the
 * provider's version once).
 *
 * <p>The steps run in name order in one container (Pax Exam's per-class reactor); each starts
 * from the state the one before left.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
@FixMethodOrder(MethodSorters.NAME_ASCENDING)
public class ProviderRoutesIT extends KrustletTestSupport {

    static final String NODE_NAME = "routes";
    static final String NS = "default";
    static final String RUNTIME = "test";
    static final String CLASS = "scripted";
    static final String PROVIDER = "io.krustlet.testprovider";
    static final List<String> TEST_PODS = List.of("test-1", "test-2");
    static final List<String> WASI_PODS = List.of("wasi-1", "wasi-2");
    static final int GRACE_SECONDS = 5;
    /** How soon the runtime label must follow a provider's arrival or departure (issue 9). */
    static final Duration LABEL_DELAY = Duration.ofSeconds(2);
    /** How long the node waits for a provider that left to come back (RuntimeRegistry.RETURN_WINDOW). */
    static final Duration RETURN_WINDOW = Duration.ofSeconds(30);

    // one node for all steps: shared by the test instances Pax Exam creates per method
    private static KubernetesClient k8s;
    private static KarafShell shell;
    private static NodeWatch watch;
    private static Object kubeletInstance;
    private static Instant firstStep;

    @Inject
    private SessionFactory sessions;

    @Inject
    private KubeletNode node;

    @Inject
    private org.osgi.service.component.runtime.ServiceComponentRuntime scr;

    @Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("krustlet.work", "target/work")).toAbsolutePath();
        String[] api = ClusterFixture.start(work);
        return OptionUtils.combine(OptionUtils.combine(baseConfig(),
                ProviderJars.prepare(work, "v1=built", "v2=0.2.0", "v3=0.3.0", "v4=0.4.0")),
                editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "nodeName", NODE_NAME),
                editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "kubeconfig", api[1]),
                editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "nodeIP", "127.0.0.1"),
                systemProperty("krustlet.itest.api").value(api[0]),
                systemProperty("krustlet.itest.features").value(System.getProperty("krustlet.itest.features")));
    }

    /** The first step that failed: the ones after it start from a state nobody meant, so they are skipped. */
    private static String failedStep;

    @Rule
    public final TestWatcher stepWatcher = new TestWatcher() {
        @Override
        protected void failed(Throwable e, Description step) {
            if (failedStep == null) {
                failedStep = step.getMethodName();
            }
        }
    };

    @Before
    public void node() throws Exception {
        Assume.assumeTrue("skipped: " + failedStep + " failed, and each step starts where the one before ended",
                failedStep == null);
        if (watch != null) {
            return;
        }
        try {
            setUp();
        } catch (Exception | AssertionError e) {
            failedStep = "the node's setup";
            throw e;
        }
    }

    private void setUp() throws Exception {
        assertEquals(NODE_NAME, kubelet.nodeName());
        k8s = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl(System.getProperty("krustlet.itest.api"))
                        .withNamespace(NS).build())
                .withHttpClientFactory(new JdkHttpClientFactory()).build();
        shell = new KarafShell(sessions);
        await(() -> Optional.ofNullable(k8s.nodes().withName(NODE_NAME).get()).map(n -> n.getStatus())
                .map(st -> st.getConditions()).orElse(List.of()).stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())),
                () -> "node " + NODE_NAME + " to be Ready");
        kubeletInstance = kubeletService();
        watch = new NodeWatch(bundleContext, kubelet, k8s, NODE_NAME);
        firstStep = Instant.now();
        k8s.resource(new RuntimeClassBuilder().withNewMetadata().withName(CLASS).endMetadata().withHandler(RUNTIME)
                .build()).create();
        for (String name : WASI_PODS) {
            createPod(name, null, testmodImage(), "print", "started", "sleep", "3600000");
        }
        for (String name : TEST_PODS) {
            createPod(name, CLASS, "fs/modules/hello.wasm", "version", "run");
        }
        for (String name : WASI_PODS) {
            awaitContainer(name, running(0), "to run on the WASI provider");
        }
    }

    // ---- the routes, in order ----

    @Test
    public void s01_waitingPodsStartWhenTheProviderFeatureIsInstalled() throws Exception {
        for (String name : TEST_PODS) {
            PodSnapshot waiting = awaitContainer(name, waiting("RuntimeUnavailable"), "to wait for runtime test");
            assertEquals("no provider serves runtime \"test\" (RuntimeClass \"scripted\"); the container starts when"
                    + " one is installed", ((ContainerState.Waiting) main(waiting).state()).message());
            assertTrue(eventsSince(name, firstStep).stream().anyMatch(e -> e.reason().equals("RuntimeUnavailable")
                    && "Warning".equals(e.type()) && e.message().contains("runtime \"test\" (RuntimeClass \"scripted\")")));
        }
        assertFalse(watch.lastNode().orElseThrow().labels().containsKey("runtime.krustlet.io/test"));
        Route route = new Route(WASI_PODS);

        shell.run("feature:repo-add file:" + System.getProperty("krustlet.itest.features"));
        shell.run("feature:install krustlet-test-provider", Duration.ofSeconds(120));

        String version = bundle(PROVIDER).getVersion().toString();
        for (String name : TEST_PODS) {
            PodSnapshot running = awaitContainer(name, running(0), "to start on the installed provider");
            assertRunsOnce(name, version, false);
            assertNotNull(running);
        }
        route.assertLabelFollows(true);
        route.assertNothingElseTouched();
    }

    @Test
    public void s02_featureUninstallStopsItsPodsWithinTheirGracePeriod() throws Exception {
        Route route = new Route(WASI_PODS);
        shell.run("feature:uninstall krustlet-test-provider", Duration.ofSeconds(120));
        assertNoBundle(PROVIDER);
        route.assertRemoved(0, true);
        route.assertLabelFollows(false);
        route.assertNothingElseTouched();
    }

    @Test
    public void s03_aJarCopiedIntoDeployStartsTheWaitingPods() throws Exception {
        Route route = new Route(WASI_PODS);
        deploy("v1");
        for (String name : TEST_PODS) {
            awaitContainer(name, running(1), "to start on the deployed provider");
            assertRunsOnce(name, version("v1"), false);
        }
        // the provider before it was uninstalled: a new provider, no successor's Events
        assertTrue(route.events(e -> e.reason().startsWith("Provider")).isEmpty());
        route.assertLabelFollows(true);
        route.assertNothingElseTouched();
    }

    @Test
    public void s04_aNewerJarOverwrittenInDeployUpgradesTheProviderAndRestartsItsContainersOnce() throws Exception {
        Route route = new Route(WASI_PODS);
        deploy("v2");
        route.assertUpgraded(version("v1"), version("v2"), 2);
        route.assertNothingElseTouched();
    }

    @Test
    public void s05_theJarDeletedFromDeployRemovesTheProvider() throws Exception {
        Route route = new Route(WASI_PODS);
        Files.delete(deployDir().resolve("krustlet-test-provider.jar"));
        route.assertRemoved(2, true);
        assertNoBundle(PROVIDER);
        route.assertLabelFollows(false);
        route.assertNothingElseTouched();
    }

    @Test
    public void s06_bundleInstallThenBundleUpdateToANewerVersion() throws Exception {
        Route install = new Route(WASI_PODS);
        String out = shell.run("bundle:install -s file:" + ProviderJars.jar("v2"));
        long id = bundleId(out);
        for (String name : TEST_PODS) {
            awaitContainer(name, running(3), "to start on the installed bundle");
            assertRunsOnce(name, version("v2"), false);
        }
        install.assertLabelFollows(true);
        install.assertNothingElseTouched();

        Route update = new Route(WASI_PODS);
        shell.run("bundle:update " + id + " file:" + ProviderJars.jar("v3"));
        update.assertUpgraded(version("v2"), version("v3"), 4);
        assertEquals(id, bundle(PROVIDER).getBundleId());
        update.assertNothingElseTouched();
    }

    @Test
    public void s07_bundleStopThenStartRestartsItsContainersOnce() throws Exception {
        long id = bundle(PROVIDER).getBundleId();
        Route stop = new Route(WASI_PODS);
        shell.run("bundle:stop " + id);
        stop.assertRemoved(4, false);
        stop.assertLabelFollows(false);
        stop.assertNothingElseTouched();

        Route start = new Route(WASI_PODS);
        start.before.putAll(stop.before); // one route seen from the stop
        shell.run("bundle:start " + id);
        start.assertRestartedOnce(5, "ProviderRestarted", version("v3"));
        start.assertLabelFollows(true);
        start.assertNothingElseTouched();
    }

    @Test
    public void s08_bundleRefreshOfTheProviderRestartsItsContainersOnce() throws Exception {
        Route route = new Route(WASI_PODS);
        shell.run("bundle:refresh " + bundle(PROVIDER).getBundleId());
        route.assertRestartedOnce(6, "ProviderRestarted", version("v3"));
        route.assertNothingElseTouched();
    }

    @Test
    public void s09_bundleRefreshOfTheWasiProviderLeavesTheTestProvidersPodsAlone() throws Exception {
        Route route = new Route(TEST_PODS);
        Map<String, Integer> restarts = new HashMap<>();
        for (String name : WASI_PODS) {
            restarts.put(name, main(kubelet.pod(NS, name).orElseThrow()).restartCount());
        }
        shell.run("bundle:refresh " + bundle("io.krustlet.wasi").getBundleId());
        for (String name : WASI_PODS) {
            int expected = restarts.get(name) + 1;
            PodSnapshot again = awaitContainer(name, running(expected), "to run again on the refreshed WASI provider");
            assertEquals("ProviderRemoved", main(again).lastState().reason());
            assertTrue(route.events(name, e -> e.reason().equals("ProviderRestarted")).size() == 1);
            assertTrue(watch.history(NS + "/" + name, route.start)
                    .allMatch(p -> main(p).restartCount() <= expected));
            // one run before the refresh, one after: each printed its first line once
            await(() -> {
                try {
                    return logLines(name, false, "started").size() == 1;
                } catch (IOException | AssertionError e) {
                    return false;
                }
            }, () -> name + " to print its first line on the refreshed provider");
            assertEquals(List.of("started"), logLines(name, true, "started"));
        }
        route.assertNothingElseTouched();
    }

    @Test
    public void s10_aCarryOverProviderKeepsItsContainersRunningAcrossAnUpgrade() throws Exception {
        long id = bundle(PROVIDER).getBundleId();
        Route configure = new Route(WASI_PODS);
        // the test provider reads its upgrade choice from its configuration; DS re-registers it
        shell.run("config:property-set -p io.krustlet.testprovider krustlet.upgrade carry-over");
        configure.assertRestartedOnce(7, "ProviderRestarted", version("v3"));
        await(() -> node.providers().stream().anyMatch(p -> p.runtime().equals(RUNTIME)
                && p.upgrade().equals("carry-over")), () -> "the provider to declare carry-over: " + node.providers());
        configure.assertNothingElseTouched();

        Route update = new Route(WASI_PODS);
        shell.run("bundle:update " + id + " file:" + ProviderJars.jar("v4"));
        for (String name : TEST_PODS) {
            await(() -> !update.events(name, e -> e.reason().equals("ProviderUpgraded")).isEmpty(),
                    () -> "a ProviderUpgraded Event for " + name + ": " + kubelet.events(NS, name));
            PodEvent upgraded = update.events(name, e -> e.reason().equals("ProviderUpgraded")).get(0);
            assertEquals("Runtime provider io.krustlet.testprovider for \"test\" upgraded from " + version("v3") + " to "
                    + version("v4") + "; container main was carried over and runs on the previous revision until it"
                    + " ends", upgraded.message());
            // carried over: the same run, untouched
            assertEquals(List.of(), watch.disturbances(NS + "/" + name, update.start, update.before.get(name)));
            assertRunsOnce(name, version("v3"), true);
        }
        update.assertLabelFollows(true);
        update.assertNothingElseTouched();

        // a container started now runs on the new revision
        createPod("test-3", CLASS, "fs/modules/hello.wasm", "version", "ignore-stop");
        awaitContainer("test-3", running(0), "to start on the new revision");
        assertRunsOnce("test-3", version("v4"), false);
    }

    @Test
    public void s11_uninstallingTheCarryOverProviderStopsEveryContainerItCarries() throws Exception {
        Route route = new Route(WASI_PODS);
        route.before.put("test-3", kubelet.pod(NS, "test-3").orElseThrow());
        shell.run("bundle:uninstall " + bundle(PROVIDER).getBundleId());
        assertNoBundle(PROVIDER);
        // test-1/2 carried from the revision before, test-3 on the last one (it ignores its stop:
        // it ends when its grace period is over)
        for (String name : List.of("test-1", "test-2", "test-3")) {
            PodSnapshot stopped = awaitContainer(name, waiting("RuntimeUnavailable")
                    .and(p -> main(p).lastState() != null), "to be stopped now that its provider is gone");
            ContainerState.Terminated last = main(stopped).lastState();
            assertEquals(name + " " + last, "ProviderRemoved", last.reason());
            Duration stoppedAfter = Duration.between(route.start, last.finishedAt());
            assertTrue(name + " stopped after " + stoppedAfter, stoppedAfter.compareTo(
                    Duration.ofSeconds(GRACE_SECONDS).plusSeconds(2)) <= 0);
            assertFalse(route.events(name, e -> e.reason().equals("Killing")).isEmpty());
            assertFalse(route.events(name, e -> e.reason().equals("ProviderRemoved")
                    && "Warning".equals(e.type())).isEmpty());
        }
        Duration ignored = Duration.between(route.start, main(kubelet.pod(NS, "test-3").orElseThrow()).lastState()
                .finishedAt());
        assertTrue("test-3 ignores its stop: it ends with its grace period, after " + ignored,
                ignored.compareTo(Duration.ofSeconds(GRACE_SECONDS).minusMillis(500)) >= 0);
        route.assertLabelFollows(false);
        route.assertNothingElseTouched();
    }

    @Test
    public void s12_aProviderThatNeedsANewerApiIsRefusedOnceAndListedIncompatible() throws Exception {
        Route route = new Route(WASI_PODS);
        Path karafLog = Path.of(System.getProperty("karaf.log"), "karaf.log");
        deploy("incompatible", "too-new-provider.jar");
        await(() -> node.providers().stream().anyMatch(p -> p.state().equals("Incompatible")),
                () -> "the provider to be listed Incompatible: " + node.providers());
        Bundle tooNew = bundle(PROVIDER);
        assertEquals("0.9.0", tooNew.getVersion().toString());
        String providers = shell.run("krustlet:providers");
        String row = providers.lines().filter(l -> l.contains(PROVIDER)).findFirst().orElseThrow();
        assertTrue(row, row.matches("-\\s+" + tooNew.getBundleId() + "\\s+io\\.krustlet\\.testprovider\\s+0\\.9\\.0\\s+-"
                + "\\s+0\\s+Incompatible\\s+needs io\\.krustlet\\.api \\[1\\.3,2\\), but this node has 1\\.2\\.\\d+"));
        // an admin tries to start it anyway: the framework refuses, the node does not repeat itself
        var started = shell.execute("bundle:start " + tooNew.getBundleId(), Duration.ofSeconds(30));
        assertNotNull("bundle:start of an unresolvable bundle fails", started.error());
        assertTrue(String.valueOf(started.error()), String.valueOf(started.error()).contains("io.krustlet.api"));
        List<String> errors = Files.readAllLines(karafLog).stream()
                .filter(l -> l.contains("ERROR") && l.contains("IncompatibleProviders")).toList();
        assertEquals(errors.toString(), 1, errors.size());
        assertTrue(errors.get(0), errors.get(0).contains("Runtime provider bundle io.krustlet.testprovider 0.9.0 (bundle "
                + tooNew.getBundleId() + ") cannot start: it needs io.krustlet.api [1.3,2), but this node has 1.2."));
        assertEquals(Bundle.INSTALLED, tooNew.getState());
        assertEquals("no component of it was even described", 0, scr.getComponentDescriptionDTOs(tooNew).size());
        assertEquals(0, bundleContext.getServiceReferences(ContainerRuntime.class,
                "(" + ContainerRuntime.RUNTIME_PROPERTY + "=" + RUNTIME + ")").size());
        assertFalse(watch.lastNode().orElseThrow().labels().containsKey("runtime.krustlet.io/test"));
        for (String name : List.of("test-1", "test-2", "test-3")) {
            assertTrue(name, waiting("RuntimeUnavailable").test(kubelet.pod(NS, name).orElseThrow()));
        }
        route.assertNothingElseTouched();

        Files.delete(deployDir().resolve("too-new-provider.jar"));
        await(() -> node.providers().stream().noneMatch(p -> p.state().equals("Incompatible")),
                () -> "the uninstalled bundle to leave the list: " + node.providers());
    }

    // ---- one route: what it must and must not do ----

    /** What a route started from: the time, and the pods it must leave alone, as they were. */
    private final class Route {
        final Instant start = Instant.now();
        final Map<String, PodSnapshot> before = new HashMap<>();
        final List<String> untouched;

        Route(List<String> untouched) {
            this.untouched = untouched;
            for (String name : List.of("test-1", "test-2", "wasi-1", "wasi-2")) {
                before.put(name, kubelet.pod(NS, name).orElseThrow());
            }
        }

        List<PodEvent> events(Predicate<PodEvent> filter) {
            List<PodEvent> all = new ArrayList<>();
            TEST_PODS.forEach(name -> all.addAll(events(name, filter)));
            return all;
        }

        List<PodEvent> events(String pod, Predicate<PodEvent> filter) {
            return eventsSince(pod, start).stream().filter(filter).toList();
        }

        /** The core is the same instance and never stopped, the Node Ready throughout, the others' pods untouched. */
        void assertNothingElseTouched() throws IOException {
            assertSame("the Kubelet component", kubeletInstance, kubeletService());
            assertEquals(List.of(), Files.readAllLines(Path.of(System.getProperty("karaf.log"), "karaf.log")).stream()
                    .filter(l -> l.contains("Kubelet stopping")).toList());
            assertEquals(List.of(), watch.notReadySince(firstStep));
            assertTrue(watch.lastNode().orElseThrow().ready());
            for (String name : untouched) {
                assertEquals(name + " must not be touched", List.of(),
                        watch.disturbances(NS + "/" + name, start, before.get(name)));
                assertNotNull(name + " lost", k8s.pods().withName(name).get());
            }
        }

        /** The runtime label came (or went) within {@link #LABEL_DELAY} of the provider's (un)registration. */
        void assertLabelFollows(boolean present) {
            var event = watch.provider(RUNTIME, present, start).orElseThrow(
                    () -> new AssertionError("no provider of runtime test " + (present ? "registered" : "left")));
            await(() -> watch.labelChange(RUNTIME, present, event.at()).isPresent(),
                    () -> "the label runtime.krustlet.io/test to be " + (present ? "set" : "removed"));
            Duration delay = Duration.between(event.at(), watch.labelChange(RUNTIME, present, event.at()).orElseThrow());
            assertTrue("label " + (present ? "set" : "removed") + " after " + delay.toMillis() + " ms",
                    delay.compareTo(LABEL_DELAY) <= 0);
        }

        /**
         * The provider left: its containers were stopped within their grace period, say
         * ProviderRemoved in lastState and wait for a provider; Killing, and (once the bundle is
         * gone) a ProviderRemoved Warning; the pods are still there and Running (they will run again).
         */
        void assertRemoved(int restartCount, boolean uninstalled) {
            for (String name : TEST_PODS) {
                PodSnapshot p = awaitContainer(name, waiting("RuntimeUnavailable")
                        .and(s -> main(s).lastState() != null && main(s).restartCount() == restartCount
                                && "ProviderRemoved".equals(main(s).lastState().reason())),
                        "to be stopped, waiting for a provider");
                ContainerState.Terminated last = main(p).lastState();
                Instant left = watch.provider(RUNTIME, false, start).orElseThrow().at();
                assertTrue("stopped " + Duration.between(left, last.finishedAt()) + " after its provider left",
                        !last.finishedAt().isAfter(left.plusSeconds(GRACE_SECONDS)));
                assertEquals(List.of("Killing"), events(name, e -> e.reason().equals("Killing")).stream()
                        .map(PodEvent::reason).toList());
                assertTrue(events(name, e -> e.reason().equals("Killing")).get(0).message()
                        .matches("Stopping container main: its runtime provider io\\.krustlet\\.testprovider \\S+ \\(bundle"
                                + " \\d+\\) is leaving the node"));
                if (uninstalled) {
                    await(() -> !events(name, e -> e.reason().equals("ProviderRemoved")).isEmpty(),
                            () -> "a ProviderRemoved Event for " + name + ": " + kubelet.events(NS, name));
                    PodEvent removed = events(name, e -> e.reason().equals("ProviderRemoved")).get(0);
                    assertEquals("Warning", removed.type());
                    assertTrue(removed.message(), removed.message().endsWith("was removed; container main waits for a"
                            + " provider of runtime \"test\""));
                    // said when the bundle is uninstalled, not when the return window for a successor ends
                    Duration after = Duration.between(start, removed.lastTime());
                    assertTrue("ProviderRemoved " + after.toMillis() + " ms after the route began",
                            after.compareTo(RETURN_WINDOW.dividedBy(3)) < 0);
                    awaitApiEvent(name, "ProviderRemoved");
                } else {
                    // it may come back within the return window: no warning yet
                    assertEquals(List.of(), events(name, e -> "Warning".equals(e.type())));
                }
                assertEquals("Running", k8s.pods().withName(name).get().getStatus().getPhase());
                // stopped once, never restarted meanwhile
                assertTrue(watch.history(NS + "/" + name, start).allMatch(s -> main(s).restartCount() == restartCount));
            }
        }

        /** The same bundle came back: each container ran once more, on it, and the Event says which. */
        void assertRestartedOnce(int restartCount, String reason, String version) throws IOException {
            for (String name : TEST_PODS) {
                awaitContainer(name, running(restartCount), "to run again");
                await(() -> !events(name, e -> e.reason().equals(reason)).isEmpty(),
                        () -> "a " + reason + " Event for " + name + ": " + kubelet.events(NS, name));
                assertEquals("ProviderRemoved", main(kubelet.pod(NS, name).orElseThrow()).lastState().reason());
                assertTrue(watch.history(NS + "/" + name, start).allMatch(s -> main(s).restartCount() <= restartCount));
                assertRunsOnce(name, version, false);
                assertEquals(List.of(), events(name, e -> "Warning".equals(e.type())));
            }
        }

        /**
         * An upgrade: each container was stopped (Killing) and ran once more on the new revision
         * (restartCount + 1, the previous run printed the old version once, this one the new),
         * with a ProviderUpgraded Event naming both versions, and no warning.
         */
        void assertUpgraded(String from, String to, int restartCount) throws IOException {
            for (String name : TEST_PODS) {
                awaitContainer(name, running(restartCount), "to run on the new revision");
                await(() -> !events(name, e -> e.reason().equals("ProviderUpgraded")).isEmpty(),
                        () -> "a ProviderUpgraded Event for " + name + ": " + kubelet.events(NS, name));
                assertEquals("Runtime provider io.krustlet.testprovider for \"test\" upgraded from " + from + " to " + to
                        + "; container main restarts on the new revision",
                        events(name, e -> e.reason().equals("ProviderUpgraded")).get(0).message());
                assertEquals(1, events(name, e -> e.reason().equals("Killing")).size());
                assertEquals("ProviderRemoved", main(kubelet.pod(NS, name).orElseThrow()).lastState().reason());
                assertTrue(watch.history(NS + "/" + name, start).allMatch(s -> main(s).restartCount() <= restartCount));
                assertEquals(List.of("test provider " + from), logLines(name, true, "test provider "));
                assertRunsOnce(name, to, false);
                assertEquals(List.of(), events(name, e -> "Warning".equals(e.type())));
                awaitApiEvent(name, "ProviderUpgraded");
            }
            assertLabelFollows(true);
        }
    }

    // ---- helpers ----

    private void createPod(String name, String runtimeClass, String image, String... args) {
        k8s.pods().resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withNodeName(NODE_NAME).withRestartPolicy("Always").withRuntimeClassName(runtimeClass)
                .withTerminationGracePeriodSeconds((long) GRACE_SECONDS)
                .addNewContainer().withName("main").withImage(image).withArgs(args).endContainer()
                .endSpec().build()).create();
    }

    private static ContainerStatus main(PodSnapshot pod) {
        return pod.status().container("main").orElseThrow();
    }

    private static Predicate<PodSnapshot> running(int restartCount) {
        return p -> p.status().container("main").map(c -> c.state() instanceof ContainerState.Running
                && c.restartCount() == restartCount).orElse(false);
    }

    private static Predicate<PodSnapshot> waiting(String reason) {
        return p -> p.status().container("main").map(c -> c.state() instanceof ContainerState.Waiting w
                && reason.equals(w.reason())).orElse(false);
    }

    private PodSnapshot awaitContainer(String name, Predicate<PodSnapshot> condition, String what) {
        await(() -> kubelet.pod(NS, name).filter(condition).isPresent(),
                () -> "pod " + name + " " + what + "; now: " + kubelet.pod(NS, name).map(p -> p.status()).orElse(null));
        return kubelet.pod(NS, name).orElseThrow();
    }

    private List<PodEvent> eventsSince(String pod, Instant since) {
        return kubelet.events(NS, pod).stream().filter(e -> !e.lastTime().isBefore(since)).toList();
    }

    /** The reasons of the pod's Events in the API server, as {@code kubectl describe} reads them. */
    private List<String> apiEvents(String pod) {
        return k8s.v1().events().inNamespace(NS).list().getItems().stream()
                .filter(e -> pod.equals(e.getInvolvedObject().getName())).map(e -> e.getReason()).toList();
    }

    /** The node also wrote the Event to the API server (asynchronously), where kubectl reads it. */
    private void awaitApiEvent(String pod, String reason) {
        await(() -> apiEvents(pod).contains(reason), () -> "a " + reason + " Event of " + pod + " in the API server: "
                + apiEvents(pod));
    }

    /** Lines of the current (or previous) run's log that start with {@code prefix}. */
    private List<String> logLines(String pod, boolean previous, String prefix) throws IOException {
        Path file = kubelet.logFile(NS, pod, "main", previous).orElseThrow(
                () -> new AssertionError("no " + (previous ? "previous " : "") + "log of " + pod));
        Pattern record = Pattern.compile("^\\S+ stdout F (.*)$");
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            var m = record.matcher(line);
            if (m.matches() && m.group(1).startsWith(prefix)) {
                lines.add(m.group(1));
            }
        }
        return lines;
    }

    /** The run now printed the provider's version exactly once: it started once, on that revision. */
    private void assertRunsOnce(String pod, String version, boolean already) throws IOException {
        if (!already) {
            await(() -> {
                try {
                    return !logLines(pod, false, "test provider ").isEmpty();
                } catch (IOException | AssertionError e) {
                    return false;
                }
            }, () -> pod + " to print its provider's version");
        }
        assertEquals(List.of("test provider " + version), logLines(pod, false, "test provider "));
    }

    private String version(String jar) throws IOException {
        try (var file = new java.util.jar.JarFile(ProviderJars.jar(jar).toFile())) {
            return org.osgi.framework.Version.parseVersion(file.getManifest().getMainAttributes()
                    .getValue("Bundle-Version")).toString();
        }
    }

    private Object kubeletService() {
        ServiceReference<?> ref = bundleContext.getServiceReference(io.krustlet.core.status.KubeletPods.class);
        assertNotNull("the Kubelet component is not registered", ref);
        Object service = bundleContext.getService(ref);
        bundleContext.ungetService(ref);
        return service;
    }

    private static Path deployDir() {
        return Path.of(System.getProperty("karaf.base"), "deploy");
    }

    private void deploy(String jar) throws IOException {
        deploy(jar, "krustlet-test-provider.jar");
    }

    /**
     * Copies a prepared jar to deploy/{@code name} in one atomic move from a folder beside it, as a
     * careful admin does, so file install never sees half a jar.
     */
    private void deploy(String jar, String name) throws IOException {
        Path staging = Files.createDirectories(Path.of(System.getProperty("karaf.base"), "staging"));
        Path tmp = staging.resolve(name);
        Files.copy(ProviderJars.jar(jar), tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, deployDir().resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void assertNoBundle(String symbolicName) {
        await(() -> java.util.Arrays.stream(bundleContext.getBundles())
                .noneMatch(b -> symbolicName.equals(b.getSymbolicName())), () -> symbolicName + " to be uninstalled");
    }

    private static long bundleId(String installOutput) {
        var m = Pattern.compile("Bundle ID: (\\d+)").matcher(installOutput);
        assertTrue("bundle:install said: " + installOutput, m.find());
        return Long.parseLong(m.group(1));
    }

    private static void assertSame(String what, Object expected, Object actual) {
        assertTrue(what + " was replaced: " + expected + " -> " + actual, expected == actual);
    }
}
