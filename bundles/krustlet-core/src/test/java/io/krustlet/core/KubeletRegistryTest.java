package io.krustlet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.config.KubeletConfig;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.oci.internal.TestOciConfig;
import io.krustlet.oci.internal.OciImageService;
import io.krustlet.oci.internal.RegistryServer;
import io.krustlet.testmodules.TestModules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pods whose images live in a real registry (Debian's docker-registry), through the core. */
class KubeletRegistryTest {

    @TempDir
    Path dir;

    private final Kubelet kubelet = new Kubelet();
    private RegistryServer registry;
    private String manifestDigest;

    @BeforeEach
    void start() throws Exception {
        registry = RegistryServer.start(dir.resolve("registry"), null, null);
        OciImageService images = new OciImageService(TestOciConfig.of(dir.resolve("store"), registry.host()));
        manifestDigest = images.push(TestModules.hello(), registry.host() + "/wasm/hello:v1", List.of());
        Files.createDirectories(dir.resolve("pods"));
        kubelet.images = images;
        kubelet.bindRuntime(new ScriptedRuntime(), Map.of(ContainerRuntime.RUNTIME_PROPERTY, "wasi", "service.id", 1L));
        kubelet.activate(KubeletTest.config(dir));
    }

    @AfterEach
    void stop() throws Exception {
        kubelet.deactivate();
        registry.close();
    }

    private void manifest(String name, String image) throws Exception {
        Files.writeString(dir.resolve("pods").resolve(name + ".yaml"), """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s}
                spec:
                  restartPolicy: Never
                  containers: [{name: main, image: "%s", args: [print, hi]}]
                """.formatted(name, image));
    }

    @Test
    void aPodWhoseImageIsInTheRegistryRuns() throws Exception {
        manifest("pulled", registry.host() + "/wasm/hello:v1");
        PodSnapshot pod = await().atMost(Duration.ofSeconds(20)).until(() -> kubelet.pod("default", "pulled-node1"),
                p -> p.isPresent() && p.get().status().phase() == PodPhase.Succeeded).orElseThrow();
        assertThat(pod.status().containerStatuses().get(0).imageId())
                .isEqualTo(registry.host() + "/wasm/hello@" + manifestDigest);
    }

    @Test
    void aMissingImageShowsErrImagePullThenImagePullBackOffAndHarmsNoOtherPod() throws Exception {
        manifest("missing", registry.host() + "/wasm/nothing:v1");
        manifest("fine", registry.host() + "/wasm/hello:v1");
        var reasons = new java.util.concurrent.CopyOnWriteArrayList<String>();
        kubelet.addListener(p -> {
            if (p.name().equals("missing-node1") && p.status().containerStatuses().get(0).state()
                    instanceof ContainerState.Waiting w) {
                reasons.add(w.reason() + ": " + w.message());
            }
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> reasons.stream().anyMatch(r -> r.startsWith("ImagePullBackOff")));
        assertThat(reasons).anyMatch(r -> r.startsWith("ErrImagePull: failed to pull image \"" + registry.host()
                + "/wasm/nothing:v1\": not found"));
        assertThat(reasons.get(reasons.size() - 1)).contains("Back-off pulling image").contains("not found");
        assertThat(kubelet.pod("default", "missing-node1").orElseThrow().status().phase()).isEqualTo(PodPhase.Pending);
        await().atMost(Duration.ofSeconds(20)).until(() -> kubelet.pod("default", "fine-node1")
                .map(p -> p.status().phase() == PodPhase.Succeeded).orElse(false));
    }

}
