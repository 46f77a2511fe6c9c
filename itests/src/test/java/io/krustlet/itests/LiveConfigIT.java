package io.krustlet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.KubeletNode;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.function.Predicate;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * {@code config:edit io.krustlet.kubelet} on a running node joined to an API server (issue 9,
 * point 5): a change of live keys applies without restarting anything (the same Kubelet service
 * instance, the same pod uid, restartCount 0, the same container startedAt, no "Kubelet
 * stopping" in the log) and takes effect (a new Node label and capacity in the API server, the
 * shell's maxPods); a change of a key that needs a restart is logged at WARN with the key, its
 * old and new value, and keeps the running value.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class LiveConfigIT extends KrustletTestSupport {

    @Inject
    private ConfigurationAdmin configAdmin;

    @Inject
    private KubeletNode node;

    @Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("krustlet.work", "target/work")).toAbsolutePath();
        String[] api = ClusterFixture.start(work);
        return OptionUtils.combine(baseConfig(),
                editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "kubeconfig", api[1]),
                editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "nodeIP", "127.0.0.1"),
                systemProperty("krustlet.itest.api").value(api[0]));
    }

    @Test
    public void aLiveChangeRestartsNoPodAndARestartKeyIsLogged() throws Exception {
        try (KubernetesClient k8s = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl(System.getProperty("krustlet.itest.api")).build())
                .withHttpClientFactory(new JdkHttpClientFactory()).build()) {
            await(() -> k8s.nodes().withName(NODE).get() != null, () -> "the node to register");
            writeManifest("sleeper.yaml", """
                    apiVersion: v1
                    kind: Pod
                    metadata: {name: sleeper}
                    spec:
                      restartPolicy: Always
                      containers:
                      - name: main
                        image: "%s"
                        args: [sleep, "600000"]
                    """.formatted(testmodImage()));
            Predicate<PodSnapshot> running = p -> p.status().phase() == PodPhase.Running
                    && p.status().containerStatuses().get(0).state() instanceof ContainerState.Running;
            PodSnapshot before = awaitPod("sleeper", running, "to run");
            Object kubeletBefore = kubeletService();

            update("nodeLabels", "team=edge", "maxPods", "42");

            await(() -> {
                Node n = k8s.nodes().withName(NODE).get();
                return "edge".equals(n.getMetadata().getLabels().get("team"))
                        && "42".equals(n.getStatus().getCapacity().get("pods").getAmount());
            }, () -> "the Node to carry team=edge and 42 pods: " + k8s.nodes().withName(NODE).get().getMetadata());
            await(() -> node.node().maxPods() == 42, () -> "krustlet:node to show maxPods 42: " + node.node());
            assertSame("the Kubelet component", kubeletBefore, kubeletService());
            PodSnapshot after = kubelet.pod("default", "sleeper-" + NODE).orElseThrow();
            assertEquals(before.uid(), after.uid());
            ContainerStatus container = after.status().containerStatuses().get(0);
            assertEquals(0, container.restartCount());
            assertEquals(before.status().containerStatuses().get(0).state(), container.state());

            update("nodeName", "renamed");
            await(() -> karafLog().stream().anyMatch(l -> l.contains("Kubelet configuration: nodeName changed from "
                    + NODE + " to renamed; it applies only after a restart")), () -> "the WARN line for nodeName");
            assertEquals(NODE, kubelet.nodeName());
            assertSame("the Kubelet component", kubeletBefore, kubeletService());
            assertEquals(before.status().containerStatuses().get(0).state(),
                    kubelet.pod("default", "sleeper-" + NODE).orElseThrow().status().containerStatuses().get(0).state());
            assertEquals(List.of(), karafLog().stream().filter(l -> l.contains("Kubelet stopping")).toList());
            assertEquals(1, karafLog().stream().filter(l -> l.contains("nodeName changed from")).count());
        }
    }

    /** Sets keys of PID io.krustlet.kubelet through Config Admin, as config:edit ... config:update does. */
    private void update(String... keysAndValues) throws Exception {
        var configuration = configAdmin.getConfiguration("io.krustlet.kubelet", null);
        Dictionary<String, Object> properties = configuration.getProperties();
        Dictionary<String, Object> next = new Hashtable<>();
        for (var keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            next.put(key, properties.get(key));
        }
        for (int i = 0; i < keysAndValues.length; i += 2) {
            next.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        configuration.update(next);
    }

    private static List<String> karafLog() {
        try {
            return Files.readAllLines(Path.of(System.getProperty("karaf.log"), "karaf.log"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Object kubeletService() {
        ServiceReference<?> ref = bundleContext.getServiceReference(io.krustlet.core.status.KubeletPods.class);
        assertNotNull("the Kubelet component is not registered", ref);
        Object service = bundleContext.getService(ref);
        bundleContext.ungetService(ref);
        return service;
    }
}
