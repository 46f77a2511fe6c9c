package io.krustlet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import javax.inject.Inject;
import org.apache.karaf.features.FeaturesService;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KrustletWasiFeatureIT extends KrustletTestSupport {

    @Inject
    private FeaturesService features;

    @Inject
    private ServiceComponentRuntime scr;

    @Configuration
    public Option[] config() throws Exception {
        return baseConfig();
    }

    private static final String HELLO = """
            apiVersion: v1
            kind: Pod
            metadata: {name: %s}
            spec:
              restartPolicy: Never
              containers:
              - name: hello
                image: fs/modules/hello.wasm
                args: [%s]
            """;

    @Test
    public void theFeatureInstallsAndTheComponentsAreActive() throws Exception {
        assertTrue(features.isInstalled(features.getFeature("krustlet-wasi")));
        for (String name : new String[] {"io.krustlet.api", "io.krustlet.core", "io.krustlet.wasi",
                "io.krustlet.shell", "io.krustlet.oci", "io.krustlet.kubernetes.client", "io.krustlet.bootstrap",
                "io.krustlet.http"}) {
            assertEquals(name + " state", Bundle.ACTIVE, bundle(name).getState());
        }
        await(() -> componentActive("io.krustlet.core.Kubelet"), () -> "the Kubelet component to be active");
        await(() -> componentActive("io.krustlet.wasi.WasiRuntime"), () -> "the WasiRuntime component to be active");
        assertEquals(NODE, kubelet.nodeName());
    }

    /** The kubelet API answers over TLS, with its self-signed certificate, and wants credentials. */
    @Test
    public void theHttpsApiServesAndRefusesARequestWithoutCredentials() throws Exception {
        await(() -> componentActive("io.krustlet.http.KubeletHttpServer"), () -> "the HTTPS API to be active");
        var trustAll = new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String type) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String type) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
        var tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, new javax.net.ssl.TrustManager[] {trustAll}, null);
        var client = java.net.http.HttpClient.newBuilder().sslContext(tls).build();
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("https://127.0.0.1:"
                + System.getProperty("krustlet.itest.port") + "/healthz")).build();
        int[] status = new int[1];
        await(() -> {
            try {
                status[0] = client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                return true;
            } catch (java.io.IOException e) {
                return false; // Jetty is still starting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, () -> "the HTTPS API to answer");
        assertEquals(401, status[0]);
    }

    /** The model's Jackson/YAML wiring works across the separate Jackson and snakeyaml bundles. */
    @Test
    public void fabric8ReadsPodYamlInsideOsgi() {
        Pod pod = Serialization.unmarshal("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n", Pod.class);
        assertEquals("x", pod.getMetadata().getName());
        assertEquals("Pod", pod.getKind());
        assertEquals("x", Serialization.unmarshal(Serialization.asYaml(pod), Pod.class).getMetadata().getName());
    }

    /**
     * fabric8 finds its HTTP client factory through ServiceLoader: first on the thread context
     * class loader, then on its own (bundle) class loader, which sees the embedded jars'
     * META-INF/services. Checked with the probe's context class loader and with none, as in a
     * DS component thread; no withHttpClientFactory(...) is needed.
     */
    @Test
    public void fabric8FindsTheJdkHttpClientFactoryInsideOsgi() {
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        for (ClassLoader tccl : new ClassLoader[] {original, null}) {
            thread.setContextClassLoader(tccl);
            try (KubernetesClient client = new KubernetesClientBuilder().build()) {
                assertEquals("io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientImpl",
                        client.getHttpClient().getClass().getName());
            } finally {
                thread.setContextClassLoader(original);
            }
        }
    }

    @Test
    public void aStaticPodRunsToSucceededAndTheProviderCanComeAndGo() throws Exception {
        writeManifest("first.yaml", HELLO.formatted("first", "one"));
        PodSnapshot first = awaitPod("first", p -> p.status().phase() == PodPhase.Succeeded, "to succeed");
        var hello = first.status().container("hello").orElseThrow();
        assertEquals(0, ((ContainerState.Terminated) hello.state()).exitCode());
        assertTrue(hello.imageId().startsWith("sha256:"));
        Path log = kubelet.logFile("default", "first-" + NODE, "hello", false).orElseThrow();
        assertTrue(Files.readString(log).contains(" stdout F Hello from WebAssembly! args: one"));

        Bundle provider = bundle("io.krustlet.wasi");
        provider.stop();
        try {
            assertEquals(Bundle.ACTIVE, bundle("io.krustlet.core").getState());
            assertTrue(componentActive("io.krustlet.core.Kubelet"));
            writeManifest("second.yaml", HELLO.formatted("second", "two"));
            PodSnapshot waiting = awaitPod("second", p -> p.status().containerStatuses().get(0).state()
                    instanceof ContainerState.Waiting w && "RuntimeUnavailable".equals(w.reason()),
                    "to wait for its runtime");
            assertEquals(PodPhase.Pending, waiting.status().phase());
            assertEquals(PodPhase.Succeeded, kubelet.pod("default", "first-" + NODE).orElseThrow().status().phase());
        } finally {
            provider.start();
        }
        awaitPod("second", p -> p.status().phase() == PodPhase.Succeeded, "to succeed once the provider is back");
    }

    @Test
    public void aRunningPodIsRestartedOnTheProvidersNextRevision() throws Exception {
        writeManifest("looper.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: looper}
                spec:
                  restartPolicy: Always
                  containers:
                  - name: loop
                    image: "%s"
                    args: [print, started, loop]
                """.formatted(testmodImage()));
        awaitPod("looper", p -> p.status().phase() == PodPhase.Running, "to run");
        bundle("io.krustlet.wasi").update();
        PodSnapshot restarted = awaitPod("looper", p -> p.status().containerStatuses().get(0).restartCount() == 1
                && p.status().containerStatuses().get(0).state() instanceof ContainerState.Running,
                "to run again on the updated provider");
        var last = restarted.status().containerStatuses().get(0).lastState();
        assertEquals(137, last.exitCode());
        Files.delete(podsDir().resolve("looper.yaml"));
        await(() -> kubelet.pod("default", "looper-" + NODE).isEmpty(), () -> "the looping pod to be stopped");
    }

    private boolean componentActive(String name) {
        Collection<ComponentDescriptionDTO> descriptions = scr.getComponentDescriptionDTOs();
        for (ComponentDescriptionDTO d : descriptions) {
            if (d.name.equals(name)) {
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state == ComponentConfigurationDTO.ACTIVE) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
