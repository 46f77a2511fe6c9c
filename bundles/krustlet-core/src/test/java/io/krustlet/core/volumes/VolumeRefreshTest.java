package io.krustlet.core.volumes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.krustlet.api.Mount;
import io.krustlet.core.pod.FakeApiObjects;
import io.krustlet.core.pod.NodeInfo;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.PodTranslator;
import io.krustlet.testkit.time.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The periodic refresh of configMap, secret, downwardAPI and projected volumes of a running pod,
 * as the kubelet's pod sync remounts them: new content by the {@code ..data} swap, subPath
 * mounts as they were at the container's start, deleted sources by the kubelet's rules.
 */
class VolumeRefreshTest {

    @TempDir
    Path dataDir;

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<String> events = new CopyOnWriteArrayList<>();
    private volatile Pod apiPod;
    private final FakeApiObjects objects = new FakeApiObjects(scheduler.clock());
    /** The fake API, plus the pod as the node's informer has it (for downwardAPI labels). */
    private final io.krustlet.core.pod.ApiObjects api = new io.krustlet.core.pod.ApiObjects() {
        @Override
        public Optional<io.fabric8.kubernetes.api.model.ConfigMap> configMap(String namespace, String name)
                throws io.krustlet.core.pod.ApiUnavailableException {
            return objects.configMap(namespace, name);
        }

        @Override
        public Optional<io.fabric8.kubernetes.api.model.Secret> secret(String namespace, String name)
                throws io.krustlet.core.pod.ApiUnavailableException {
            return objects.secret(namespace, name);
        }

        @Override
        public io.krustlet.core.pod.ServiceAccountToken serviceAccountToken(String namespace, String serviceAccount,
                List<String> audiences, long expirationSeconds, String podName, String podUid)
                throws io.krustlet.core.pod.ApiUnavailableException {
            return objects.serviceAccountToken(namespace, serviceAccount, audiences, expirationSeconds, podName, podUid);
        }

        @Override
        public Optional<Pod> pod(String namespace, String name) {
            return Optional.ofNullable(apiPod);
        }
    };
    private VolumeManager volumes;

    @org.junit.jupiter.api.BeforeEach
    void setUp() {
        volumes = new VolumeManager(dataDir.resolve("pods"), api, new NodeInfo("10.0.0.9", 1000, 1L << 30), scheduler,
                scheduler.clock(), (pod, container, warning, reason, message) ->
                        events.add((warning ? "Warning " : "Normal ") + reason + " " + message));
    }

    private Pod apiPod(String labels, String volumesYaml, String mountsYaml) {
        return Serialization.unmarshal("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns, uid: uid-1, labels: %s}
                spec:
                  volumes:
                %s
                  containers:
                  - name: c
                    image: x
                    volumeMounts:
                %s
                """.formatted(labels, volumesYaml.indent(2), mountsYaml.indent(4)), Pod.class);
    }

    private static PodDefinition translate(Pod pod) throws Exception {
        return new PodTranslator("node1").translate(pod, "api");
    }

    private static String read(Path file) throws Exception {
        return Files.readString(file);
    }

    @Test
    void aChangedConfigMapShowsInTheMountedFilesButNotInASubPathMount() throws Exception {
        objects.configMap("ns", "settings", Map.of("greeting", "hello"));
        objects.secret("ns", "creds", Map.of("password", "old"));
        apiPod = apiPod("{app: demo}", """
                - {name: cfg, configMap: {name: settings, items: [{key: greeting, path: conf/greeting}]}}
                - {name: sec, secret: {secretName: creds}}
                """, """
                - {name: cfg, mountPath: /cfg}
                - {name: cfg, mountPath: /conf-only, subPath: conf}
                - {name: sec, mountPath: /sec}
                """);
        PodDefinition pod = translate(apiPod);
        List<Mount> mounts = volumes.mounts(pod, pod.containers().get(0));
        Path cfg = mounts.get(0).hostPath();
        Path subPath = mounts.get(1).hostPath();
        Path sec = mounts.get(2).hostPath();
        String versionBefore = Files.readSymbolicLink(cfg.resolve("..data")).toString();
        assertThat(read(subPath.resolve("greeting"))).isEqualTo("hello");
        assertThat(mounts.get(1).readOnly()).isTrue();

        objects.configMap("ns", "settings", Map.of("greeting", "bonjour"));
        objects.secret("ns", "creds", Map.of("password", "new"));
        volumes.refresh(pod);

        assertThat(read(cfg.resolve("conf/greeting"))).isEqualTo("bonjour");
        assertThat(read(sec.resolve("password"))).isEqualTo("new");
        assertThat(Files.readSymbolicLink(cfg.resolve("..data")).toString()).as("swapped in as a new version")
                .isNotEqualTo(versionBefore);
        assertThat(read(subPath.resolve("greeting"))).as("a subPath mount does not update").isEqualTo("hello");
        assertThat(events).isEmpty();

        // the next start of the container mounts the subPath as it is then
        Path restarted = volumes.mounts(pod, pod.containers().get(0)).get(1).hostPath();
        assertThat(read(restarted.resolve("greeting"))).isEqualTo("bonjour");
    }

    @Test
    void aDeletedOptionalSourceEmptiesTheVolumeAndARequiredOneKeepsItsContentWithAnEvent() throws Exception {
        objects.configMap("ns", "optional-cm", Map.of("a", "1"));
        objects.configMap("ns", "required-cm", Map.of("b", "2"));
        apiPod = apiPod("{app: demo}", """
                - {name: opt, configMap: {name: optional-cm, optional: true}}
                - {name: req, configMap: {name: required-cm}}
                """, """
                - {name: opt, mountPath: /opt}
                - {name: req, mountPath: /req}
                """);
        PodDefinition pod = translate(apiPod);
        List<Mount> mounts = volumes.mounts(pod, pod.containers().get(0));

        objects.delete("ns", "optional-cm");
        objects.delete("ns", "required-cm");
        volumes.refresh(pod);

        assertThat(mounts.get(0).hostPath().resolve("a")).doesNotExist();
        assertThat(mounts.get(0).hostPath().resolve("..data")).exists();
        assertThat(read(mounts.get(1).hostPath().resolve("b"))).isEqualTo("2");
        assertThat(events).containsExactly(
                "Warning FailedMount MountVolume.SetUp failed for volume \"req\" : configmap \"required-cm\" not found");

        objects.configMap("ns", "required-cm", Map.of("b", "3"));
        volumes.refresh(pod);
        assertThat(read(mounts.get(1).hostPath().resolve("b"))).as("back when the ConfigMap is").isEqualTo("3");
        assertThat(events).hasSize(1);
    }

    @Test
    void aDownwardApiVolumeFollowsThePodsLabels() throws Exception {
        apiPod = apiPod("{app: demo}", """
                - name: info
                  downwardAPI:
                    items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]
                """, "- {name: info, mountPath: /info}");
        PodDefinition pod = translate(apiPod);
        Path info = volumes.mounts(pod, pod.containers().get(0)).get(0).hostPath();
        assertThat(read(info.resolve("labels"))).isEqualTo("app=\"demo\"");

        apiPod.getMetadata().setLabels(Map.of("app", "demo", "release", "canary")); // kubectl label pod p release=canary
        volumes.refresh(pod);

        assertThat(read(info.resolve("labels"))).isEqualTo("app=\"demo\"\nrelease=\"canary\"");
    }

    @Test
    void aReleasedPodIsNotWrittenAgain() throws Exception {
        objects.configMap("ns", "settings", Map.of("k", "v"));
        apiPod = apiPod("{app: demo}", "- {name: cfg, configMap: {name: settings}}", "- {name: cfg, mountPath: /cfg}");
        PodDefinition pod = translate(apiPod);
        Path cfg = volumes.mounts(pod, pod.containers().get(0)).get(0).hostPath();
        volumes.release(pod);

        volumes.refresh(pod);

        assertThat(cfg).doesNotExist();
        assertThat(cfg.getParent().getParent().getParent()).as("the pod's directory is gone").doesNotExist();
    }
}
