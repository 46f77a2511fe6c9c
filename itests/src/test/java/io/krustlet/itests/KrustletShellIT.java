package io.krustlet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.apache.karaf.shell.api.console.SessionFactory;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The {@code krustlet:} commands as a user runs them at the console of a node joined to an API
 * server, with pods of two providers: real command output through the Karaf shell's session API,
 * and Tab completion of pod, container and runtime names through the commands' own completers.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KrustletShellIT extends KrustletTestSupport {

    static final String NODE_NAME = "shell";
    static final String NS = "default";
    /** Longer than two of the CRI log's 16 KiB records: the file holds it as three. */
    static final String LONG_LINE = "0123456789".repeat(4_000);

    private static KubernetesClient k8s;
    private static KarafShell shell;

    @Inject
    private SessionFactory sessions;

    @Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("krustlet.work", "target/work")).toAbsolutePath();
        String[] api = ClusterFixture.start(work);
        return OptionUtils.combine(OptionUtils.combine(baseConfig(), ProviderJars.prepare(work, "v1=built")),
                editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "nodeName", NODE_NAME),
                editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "kubeconfig", api[1]),
                editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "nodeIP", "127.0.0.1"),
                systemProperty("krustlet.itest.api").value(api[0]));
    }

    private static Throwable setupFailed;

    /** Once: the test provider beside the WASI one, the RuntimeClasses applied by the node, the pods. */
    @Before
    public void pods() throws Throwable {
        if (setupFailed != null) {
            throw new AssertionError("the node's setup failed", setupFailed);
        }
        if (shell != null) {
            return;
        }
        try {
            setUp();
        } catch (Throwable e) {
            setupFailed = e;
            throw e;
        }
    }

    private void setUp() throws Exception {
        k8s = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl(System.getProperty("krustlet.itest.api"))
                        .withNamespace(NS).build())
                .withHttpClientFactory(new JdkHttpClientFactory()).build();
        shell = new KarafShell(sessions);
        shell.run("bundle:install -s file:" + ProviderJars.jar("v1"));
        await(() -> shell.run("krustlet:node").contains("script://"), () -> "the test runtime to be served");
        await(() -> k8s.nodes().withName(NODE_NAME).get() != null, () -> "the node to register");

        String applied = shell.run("krustlet:runtimeclasses --apply");
        assertEquals("runtimeclass.node.k8s.io/test applied\nruntimeclass.node.k8s.io/wasi applied\n", applied);
        for (String runtime : List.of("test", "wasi")) {
            RuntimeClass rc = k8s.resources(RuntimeClass.class).withName(runtime).get();
            assertNotNull("RuntimeClass " + runtime + " applied", rc);
            assertEquals(runtime, rc.getHandler());
            assertEquals("true", rc.getScheduling().getNodeSelector().get("runtime.krustlet.io/" + runtime));
        }

        createPod("chatty", "test", "Never", List.of(),
                container("main", "print", "first", "print", LONG_LINE, "print", "last"));
        createPod("initpod", "test", "Always",
                List.of(container("setup", "print", "setting up", "eprint", "cannot", "exit", "1")),
                container("main", "version", "run"));
        createPod("wasm", "wasi", "Always", List.of(), new ContainerBuilder().withName("app").withImage(testmodImage())
                .withArgs("print", "hi", "sleep", "3600000").build());
        awaitApiPod("chatty", p -> p.status().phase() == PodPhase.Succeeded, "to succeed");
        awaitApiPod("wasm", p -> p.status().containerStatuses().get(0).state() instanceof ContainerState.Running,
                "to run");
    }

    @Test
    public void nodeShowsTheModeConditionsAddressesRuntimesAndPods() {
        String out = shell.run("krustlet:node");
        assertTrue(out, out.matches("(?s)Name:\\s+shell\n.*"));
        assertTrue(out, out.contains("Mode:") && out.contains("cluster (" + System.getProperty("krustlet.itest.api")));
        assertTrue(out, Pattern.compile("^\\s+Ready\\s+True\\s+KubeletReady", Pattern.MULTILINE).matcher(out).find());
        assertTrue(out, Pattern.compile("^\\s+InternalIP:\\s+127\\.0\\.0\\.1$", Pattern.MULTILINE).matcher(out).find());
        String testVersion = bundle("io.krustlet.testprovider").getVersion().toString();
        assertTrue(out, Pattern.compile("^\\s+test\\s+script://" + Pattern.quote(testVersion) + "$", Pattern.MULTILINE)
                .matcher(out).find());
        assertTrue(out, Pattern.compile("^\\s+wasi\\s+chicory://\\S+\\s+\\(default\\)$", Pattern.MULTILINE)
                .matcher(out).find());
        assertTrue(out, out.contains("Pods:") && out.contains(kubelet.pods().size() + " of 110"));
    }

    @Test
    public void providersListsEachProviderWithItsBundleUpgradeChoiceAndRunningContainers() {
        String out = shell.run("krustlet:providers");
        String testRow = row(out, "io.krustlet.testprovider");
        assertTrue(testRow, testRow.matches("test\\s+" + bundle("io.krustlet.testprovider").getBundleId()
                + "\\s+io\\.krustlet\\.testprovider\\s+\\S+\\s+restart\\s+(\\d+)\\s+Active\\s*"));
        String wasiRow = row(out, "io.krustlet.wasi");
        assertTrue(wasiRow, wasiRow.matches("wasi\\s+" + bundle("io.krustlet.wasi").getBundleId()
                + "\\s+io\\.krustlet\\.wasi\\s+\\S+\\s+restart\\s+1\\s+Active\\s*"));
        // only one runtime's providers
        String wasiOnly = shell.run("krustlet:providers wasi");
        assertTrue(wasiOnly, wasiOnly.contains("io.krustlet.wasi") && !wasiOnly.contains("io.krustlet.testprovider"));
    }

    @Test
    public void runtimeclassesPrintsAClassPerRuntimeWithTheSchedulingKrustletNeeds() {
        String out = shell.run("krustlet:runtimeclasses");
        // read as kubectl apply -f - reads it
        List<RuntimeClass> classes = k8s.load(new java.io.ByteArrayInputStream(out.getBytes(
                java.nio.charset.StandardCharsets.UTF_8))).items().stream().map(RuntimeClass.class::cast).toList();
        assertEquals(List.of("test", "wasi"), classes.stream().map(c -> c.getMetadata().getName()).toList());
        for (RuntimeClass rc : classes) {
            String runtime = rc.getMetadata().getName();
            assertEquals(runtime, rc.getHandler());
            assertEquals(java.util.Map.of("runtime.krustlet.io/" + runtime, "true"), rc.getScheduling().getNodeSelector());
            assertEquals(List.of("NoExecute", "NoSchedule"), rc.getScheduling().getTolerations().stream()
                    .filter(t -> t.getKey().equals("kubernetes.io/arch") && t.getValue().equals("wasm32-wasi")
                            && t.getOperator().equals("Equal")).map(t -> t.getEffect()).sorted().toList());
        }
    }

    @Test
    public void podsListsThePodsAndWideAddsTheirRuntime() {
        String out = shell.run("krustlet:pods");
        assertTrue(out, out.startsWith("NAMESPACE"));
        assertTrue(row(out, " chatty "), row(out, " chatty ").matches("default\\s+chatty\\s+0/1\\s+Completed\\s+0\\s+\\d+s"));
        assertTrue(row(out, " wasm "), row(out, " wasm ").matches("default\\s+wasm\\s+1/1\\s+Running\\s+0\\s+\\d+[sm]"));
        String wide = shell.run("krustlet:pods -o wide");
        assertTrue(wide, wide.lines().findFirst().orElseThrow().matches("NAMESPACE.*AGE\\s+RUNTIME"));
        assertTrue(wide, row(wide, " chatty ").endsWith(" test"));
        assertTrue(wide, row(wide, " wasm ").endsWith(" wasi"));
        var json = shell.execute("krustlet:pods -o json", Duration.ofSeconds(30));
        assertNotNull("-o json is refused", json.error());
        assertTrue(String.valueOf(json.error()), json.error().getMessage().contains("allowed formats are: wide"));
    }

    /** kubectl counts an initialising pod's init container restarts in RESTARTS (printPod). */
    @Test
    public void podsCountsInitContainerRestartsWhileThePodInitialises() {
        // the failing init container restarts after the kubelet's 10 s back-off
        PodSnapshot pod = awaitApiPod("initpod", p -> p.status().initContainerStatuses().get(0).restartCount() >= 1,
                "to restart its init container");
        String row = row(shell.run("krustlet:pods"), " initpod ");
        int initRestarts = kubelet.pod(NS, "initpod").orElseThrow().status().initContainerStatuses().get(0).restartCount();
        assertEquals(0, pod.status().containerStatuses().get(0).restartCount());
        var m = Pattern.compile("default\\s+initpod\\s+0/1\\s+(Init:\\S+)\\s+(\\d+)\\s+\\d+s").matcher(row);
        assertTrue(row, m.matches());
        assertTrue(row, List.of("Init:Error", "Init:CrashLoopBackOff", "Init:0/1").contains(m.group(1)));
        assertEquals(row, initRestarts, Integer.parseInt(m.group(2)));

        String previous = shell.run("krustlet:logs -c setup --previous initpod");
        assertEquals("setting up\ncannot\n", previous);
    }

    @Test
    public void describeShowsStatusContainersAndRecentEvents() {
        String out = shell.run("krustlet:describe chatty");
        assertTrue(out, out.matches("(?s)Name:\\s+chatty\nNamespace:\\s+default\nNode:\\s+shell\nRuntime:\\s+test\n.*"));
        assertTrue(out, Pattern.compile("^Status:\\s+Succeeded$", Pattern.MULTILINE).matcher(out).find());
        assertTrue(out, Pattern.compile("^\\s+State:\\s+Terminated\n\\s+Reason:\\s+Completed\n\\s+Exit Code:\\s+0$",
                Pattern.MULTILINE).matcher(out).find());
        assertTrue(out, Pattern.compile("^\\s+Normal\\s+Started\\s+\\S+\\s+kubelet\\s+Started container main$",
                Pattern.MULTILINE).matcher(out).find());
        var missing = shell.execute("krustlet:describe nosuchpod", Duration.ofSeconds(30));
        assertTrue(String.valueOf(missing.error()), missing.error() != null
                && missing.error().getMessage().equals("pods \"nosuchpod\" not found in namespace default"));
    }

    /**
     * The 40,000-character line is three records in the log file (two partial, one full); logs
     * joins them, and --tail counts whole lines, not records.
     */
    @Test
    public void logsJoinsPartialRecordsAndTailCountsWholeLines() throws Exception {
        Path file = kubelet.logFile(NS, "chatty", "main", false).orElseThrow();
        List<String> records = Files.readAllLines(file);
        assertEquals(records.toString().length() > 200 ? records.size() + " records" : records.toString(), 5,
                records.size());
        assertEquals(List.of("F", "P", "P", "F", "F"), records.stream().map(r -> r.split(" ", 4)[2]).toList());

        assertEquals("first\n" + LONG_LINE + "\nlast\n", shell.run("krustlet:logs chatty"));
        assertEquals(LONG_LINE + "\nlast\n", shell.run("krustlet:logs --tail 2 chatty"));
        assertEquals("last\n", shell.run("krustlet:logs --tail 1 chatty main"));
        String stamped = shell.run("krustlet:logs --tail 1 --timestamps chatty");
        assertTrue(stamped, stamped.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z last\n"));
        // Karaf reads options before the arguments only (kubectl takes them anywhere); the README says so
        var kubectlOrder = shell.execute("krustlet:logs chatty --tail 2", Duration.ofSeconds(30));
        assertTrue(String.valueOf(kubectlOrder.error()), kubectlOrder.error() != null
                && kubectlOrder.error().getMessage().equals("Too many arguments specified"));
        var noPrevious = shell.execute("krustlet:logs --previous chatty", Duration.ofSeconds(30));
        assertTrue(String.valueOf(noPrevious.error()), noPrevious.error() != null && noPrevious.error().getMessage()
                .equals("previous terminated container \"main\" in pod \"chatty\" not found"));
    }

    /** -f prints what the container writes while it runs and returns when it ends. */
    @Test
    public void logsFollowsARunningContainerUntilItEnds() {
        createPod("ticker", "test", "Never", List.of(), container("main", "print", "tick", "sleep", "1500", "print",
                "tock"));
        awaitApiPod("ticker", p -> p.status().containerStatuses().get(0).state() instanceof ContainerState.Running,
                "to run");
        String out = shell.run("krustlet:logs -f ticker", Duration.ofSeconds(60));
        assertEquals("tick\ntock\n", out);
        ContainerStatus main = kubelet.pod(NS, "ticker").orElseThrow().status().containerStatuses().get(0);
        assertTrue("logs -f returned once the container ended: " + main.state(),
                main.state() instanceof ContainerState.Terminated);
    }

    @Test
    public void completionOffersPodContainerAndRuntimeNames() {
        assertEquals(List.of("chatty"), shell.complete("krustlet:logs ch"));
        List<String> pods = shell.complete("krustlet:describe ");
        assertTrue(pods.toString(), pods.containsAll(List.of("chatty", "initpod", "wasm")));
        assertEquals(List.of("main", "setup"), shell.complete("krustlet:logs initpod "));
        assertEquals(List.of("setup"), shell.complete("krustlet:logs --previous initpod s"));
        assertEquals(List.of("chatty"), shell.complete("krustlet:logs -n default --tail 5 ch"));
        assertEquals(List.of(), shell.complete("krustlet:logs -n kube-system ch"));
        assertEquals(List.of("test", "wasi"), shell.complete("krustlet:providers "));
        assertEquals(List.of("wasi"), shell.complete("krustlet:providers w"));
    }

    // ---- helpers ----

    private static Container container(String name, String... args) {
        return new ContainerBuilder().withName(name).withImage("fs/modules/hello.wasm").withArgs(args).build();
    }

    private void createPod(String name, String runtimeClass, String restartPolicy, List<Container> init, Container main) {
        k8s.pods().resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).endMetadata()
                .withNewSpec().withNodeName(NODE_NAME).withRestartPolicy(restartPolicy).withRuntimeClassName(runtimeClass)
                .withInitContainers(init).withContainers(main).endSpec().build()).create();
    }

    private PodSnapshot awaitApiPod(String name, Predicate<PodSnapshot> condition, String what) {
        await(() -> kubelet.pod(NS, name).filter(p -> !p.status().containerStatuses().isEmpty()).filter(condition)
                .isPresent(), () -> "pod " + name + " " + what + "; now: " + kubelet.pod(NS, name).map(p -> p.status()));
        return kubelet.pod(NS, name).orElseThrow();
    }

    private static String row(String table, String containing) {
        Optional<String> row = table.lines().filter(l -> l.contains(containing)).findFirst();
        return row.orElseThrow(() -> new AssertionError("no row with '" + containing + "' in:\n" + table)).strip();
    }
}
