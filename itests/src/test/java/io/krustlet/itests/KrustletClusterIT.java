package io.krustlet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.nio.file.Path;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The distribution joined to an API server (fabric8's mock in CRUD mode, started by the test
 * JVM before the container, as a kubeconfig names it): it registers its Node and runs a pod
 * bound to it to Succeeded, with the status a kubectl user reads.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KrustletClusterIT extends KrustletTestSupport {

    @Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("krustlet.work", "target/work")).toAbsolutePath();
        String[] api = ClusterFixture.start(work);
        return OptionUtils.combine(baseConfig(),
                editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "kubeconfig", api[1]),
                editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "nodeIP", "127.0.0.1"),
                systemProperty("krustlet.itest.api").value(api[0]));
    }

    private static KubernetesClient client() {
        return new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder().withMasterUrl(System.getProperty("krustlet.itest.api"))
                        .withNamespace("default").build())
                .withHttpClientFactory(new JdkHttpClientFactory()).build();
    }

    @Test
    public void theNodeRegistersAndRunsAPodBoundToItToSucceeded() throws Exception {
        try (KubernetesClient k8s = client()) {
            await(() -> {
                var n = k8s.nodes().withName(NODE).get();
                return n != null && n.getStatus() != null && n.getStatus().getNodeInfo() != null;
            }, () -> "node " + NODE + " to register with its status");
            var node = k8s.nodes().withName(NODE).get();
            assertEquals("wasm32-wasi", node.getMetadata().getLabels().get("kubernetes.io/arch"));
            assertTrue(node.getStatus().getNodeInfo().getContainerRuntimeVersion().startsWith("chicory://"));

            k8s.pods().resource(new PodBuilder()
                    .withNewMetadata().withName("hello-api").withNamespace("default").endMetadata()
                    .withNewSpec().withNodeName(NODE).withRestartPolicy("Never")
                    .addNewContainer().withName("main").withImage(testmodImage()).withArgs("print", "hello")
                    .endContainer().endSpec().build()).create();
            await(() -> {
                Pod p = k8s.pods().withName("hello-api").get();
                return p.getStatus() != null && "Succeeded".equals(p.getStatus().getPhase());
            }, () -> "pod hello-api to succeed; now " + k8s.pods().withName("hello-api").get().getStatus());
            Pod pod = k8s.pods().withName("hello-api").get();
            var terminated = pod.getStatus().getContainerStatuses().get(0).getState().getTerminated();
            assertNotNull(terminated);
            assertEquals(Integer.valueOf(0), terminated.getExitCode());
            assertEquals("Completed", terminated.getReason());
            assertEquals("127.0.0.1", pod.getStatus().getHostIP());
            assertTrue(pod.getStatus().getContainerStatuses().get(0).getImageID().startsWith("sha256:"));
            await(() -> k8s.v1().events().inNamespace("default").list().getItems().stream()
                    .anyMatch(e -> "Started".equals(e.getReason())
                            && "hello-api".equals(e.getInvolvedObject().getName())), () -> "a Started event");
            var log = kubelet.logFile("default", "hello-api", "main", false).orElseThrow();
            assertTrue(java.nio.file.Files.readString(log).contains("hello"));
        }
    }
}
