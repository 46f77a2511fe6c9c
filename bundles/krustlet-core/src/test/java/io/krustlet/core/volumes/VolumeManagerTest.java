package io.krustlet.core.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.krustlet.api.Mount;
import io.krustlet.core.pod.LaunchException;
import io.krustlet.core.pod.FakeApiObjects;
import io.krustlet.core.pod.NodeInfo;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.PodTranslator;
import io.krustlet.testkit.time.ManualScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VolumeManagerTest {

    @TempDir
    Path dataDir;

    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakeApiObjects api = new FakeApiObjects(scheduler.clock());
    private VolumeManager volumes;

    private VolumeManager volumes() {
        if (volumes == null) {
            volumes = new VolumeManager(dataDir.resolve("pods"), api, new NodeInfo("10.0.0.9", 1000, 1L << 30),
                    scheduler, scheduler.clock());
        }
        return volumes;
    }

    /** A pod from the API with one container "c" mounting every volume at /<name>. */
    private static PodDefinition pod(String volumesYaml) throws Exception {
        Pod pod = Serialization.unmarshal("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns, uid: uid-1, labels: {app: demo, tier: "web \\"1\\""}}
                spec:
                  serviceAccountName: robot
                  volumes:
                """ + volumesYaml.indent(2) + """
                  containers:
                  - name: c
                    image: x
                    resources: {limits: {memory: 64Mi}}
                """, Pod.class);
        pod.getSpec().getContainers().get(0).setVolumeMounts(pod.getSpec().getVolumes().stream()
                .map(v -> new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withName(v.getName())
                        .withMountPath("/" + v.getName()).build()).toList());
        return new PodTranslator("node1").translate(pod, "api");
    }

    private List<Mount> mounts(PodDefinition pod) throws LaunchException {
        return volumes().mounts(pod, pod.containers().get(0));
    }

    private static String mode(Path file) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
    }

    @Test
    void aConfigMapVolumeHoldsTheMappedKeysReadOnly() throws Exception {
        api.configMap("ns", "settings", Map.of("a", "alpha", "b", "beta", "unused", "x"));
        PodDefinition pod = pod("""
                - name: cfg
                  configMap:
                    name: settings
                    defaultMode: 0440
                    items: [{key: a, path: conf/a.txt, mode: 0600}, {key: b, path: b.txt}]
                """);
        Mount mount = mounts(pod).get(0);
        Path dir = dataDir.resolve("pods/uid-1/volumes/kubernetes.io~configmap/cfg");
        assertThat(mount).isEqualTo(new Mount("/cfg", dir, true));
        assertThat(Files.readString(dir.resolve("conf/a.txt"))).isEqualTo("alpha");
        assertThat(Files.readString(dir.resolve("b.txt"))).isEqualTo("beta");
        assertThat(Files.exists(dir.resolve("unused"))).isFalse();
        assertThat(mode(dir.resolve("conf/a.txt"))).isEqualTo("rw-------");
        assertThat(mode(dir.resolve("b.txt"))).isEqualTo("r--r-----");
    }

    @Test
    void aMissingConfigMapKeepsThePodCreatingUntilItAppears() throws Exception {
        PodDefinition pod = pod("- {name: cfg, configMap: {name: settings}}");
        assertThatThrownBy(() -> mounts(pod)).isInstanceOfSatisfying(LaunchException.class, e -> {
            assertThat(e.reason()).isEqualTo("ContainerCreating");
            assertThat(e.getMessage()).isEqualTo("MountVolume.SetUp failed for volume \"cfg\" : configmap \"settings\" not found");
            assertThat(e.eventReason()).hasValue("FailedMount");
        });
        api.configMap("ns", "settings", Map.of("k", "v1"));
        Path dir = mounts(pod).get(0).hostPath();
        assertThat(Files.readString(dir.resolve("k"))).isEqualTo("v1");

        api.configMap("ns", "settings", Map.of("k", "v2"));
        mounts(pod);
        assertThat(Files.readString(dir.resolve("k"))).as("updated at the next start").isEqualTo("v2");

        api.delete("ns", "settings");
        mounts(pod);
        assertThat(Files.readString(dir.resolve("k"))).as("a mounted volume keeps its content").isEqualTo("v2");
    }

    @Test
    void optionalSourcesMayBeMissingButRequiredKeysMayNot() throws Exception {
        PodDefinition optional = pod("""
                - {name: cfg, configMap: {name: absent, optional: true}}
                - {name: sec, secret: {secretName: creds, optional: true, items: [{key: nope, path: n}]}}
                """);
        api.secret("ns", "creds", Map.of("pw", "x"));
        List<Mount> mounts = mounts(optional);
        assertThat(Files.exists(mounts.get(0).hostPath().resolve("..data"))).isTrue();
        assertThat(Files.exists(mounts.get(1).hostPath().resolve("n"))).isFalse();

        volumes().release(optional);
        PodDefinition required = pod("- {name: sec, secret: {secretName: creds, items: [{key: nope, path: n}]}}");
        assertThatThrownBy(() -> volumes().mounts(required, required.containers().get(0)))
                .hasMessage("MountVolume.SetUp failed for volume \"sec\" : references non-existent secret key: nope");
    }

    @Test
    void aSecretVolumeHoldsDecodedValuesWithTheDefaultMode() throws Exception {
        api.secret("ns", "creds", Map.of("user", "admin", "pw", "hunter2"));
        PodDefinition pod = pod("- {name: sec, secret: {secretName: creds}}");
        Mount mount = mounts(pod).get(0);
        assertThat(mount.hostPath()).isEqualTo(dataDir.resolve("pods/uid-1/volumes/kubernetes.io~secret/sec"));
        assertThat(mount.readOnly()).isTrue();
        assertThat(Files.readString(mount.hostPath().resolve("pw"))).isEqualTo("hunter2");
        assertThat(mode(mount.hostPath().resolve("user"))).isEqualTo("rw-r--r--");
    }

    @Test
    void aDownwardApiVolumeHoldsMetadataAndResources() throws Exception {
        PodDefinition pod = pod("""
                - name: info
                  downwardAPI:
                    items:
                    - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                    - {path: name, fieldRef: {fieldPath: metadata.name}}
                    - {path: mem, resourceFieldRef: {containerName: c, resource: limits.memory, divisor: 1Mi}}
                """);
        Path dir = mounts(pod).get(0).hostPath();
        assertThat(dir).isEqualTo(dataDir.resolve("pods/uid-1/volumes/kubernetes.io~downward-api/info"));
        assertThat(Files.readString(dir.resolve("labels"))).isEqualTo("app=\"demo\"\ntier=\"web \\\"1\\\"\"");
        assertThat(Files.readString(dir.resolve("name"))).isEqualTo("p");
        assertThat(Files.readString(dir.resolve("mem"))).isEqualTo("64");
    }

    @Test
    void anUnsupportedVolumeTypeIsAWaitingReasonNotAnInvalidPod() throws Exception {
        PodDefinition pod = pod("- {name: data, persistentVolumeClaim: {claimName: pvc}}");
        assertThatThrownBy(() -> mounts(pod)).isInstanceOfSatisfying(LaunchException.class, e -> {
            assertThat(e.getMessage()).isEqualTo("volume \"data\": type persistentVolumeClaim is not supported by this "
                    + "node (supported: configMap, downwardAPI, emptyDir, hostPath, projected, secret)");
            assertThat(e.eventReason()).hasValue("FailedMount");
        });
    }

    @Test
    void reportsAnEmptyDirOverItsSizeLimit() throws Exception {
        PodDefinition pod = pod("""
                - {name: small, emptyDir: {sizeLimit: 1Ki}}
                - {name: free, emptyDir: {}}
                """);
        List<Mount> mounts = mounts(pod);
        Files.write(mounts.get(1).hostPath().resolve("big"), new byte[4096]);
        Files.write(mounts.get(0).hostPath().resolve("exact"), new byte[1024]);
        assertThat(volumes().sizeLimitExceeded(pod)).as("at the limit is not over it").isEmpty();
        Files.write(mounts.get(0).hostPath().resolve("more"), new byte[1]);
        assertThat(volumes().sizeLimitExceeded(pod)).hasValue("Usage of EmptyDir volume \"small\" exceeds the limit \"1Ki\". ");
    }

    @Test
    void releaseDeletesThePodsVolumesButNeverHostPathContent() throws Exception {
        Path host = Files.createDirectories(dataDir.resolve("host"));
        Files.writeString(host.resolve("precious"), "keep");
        api.configMap("ns", "settings", Map.of("k", "v"));
        PodDefinition pod = pod("""
                - {name: scratch, emptyDir: {}}
                - {name: cfg, configMap: {name: settings}}
                - {name: host, hostPath: {path: %s}}
                """.formatted(host));
        List<Mount> mounts = mounts(pod);
        assertThat(mounts.get(2)).isEqualTo(new Mount("/host", host, false));
        Files.createSymbolicLink(mounts.get(0).hostPath().resolve("to-host"), host);

        volumes().release(pod);
        assertThat(Files.exists(dataDir.resolve("pods/uid-1"))).isFalse();
        assertThat(Files.readString(host.resolve("precious"))).isEqualTo("keep");
    }

    @Test
    void projectedTokensAreRenewedAt80PercentOfTheirLifetimeUntilRelease() throws Exception {
        api.configMap("ns", "ca", Map.of("ca.crt", "CERT"));
        PodDefinition pod = pod("""
                - name: sa
                  projected:
                    sources:
                    - serviceAccountToken: {path: token, audience: vault, expirationSeconds: 3600}
                    - configMap: {name: ca}
                    - downwardAPI: {items: [{path: namespace, fieldRef: {fieldPath: metadata.namespace}}]}
                """);
        Path dir = mounts(pod).get(0).hostPath();
        assertThat(dir).isEqualTo(dataDir.resolve("pods/uid-1/volumes/kubernetes.io~projected/sa"));
        assertThat(Files.readString(dir.resolve("token"))).isEqualTo("token-1");
        assertThat(Files.readString(dir.resolve("ca.crt"))).isEqualTo("CERT");
        assertThat(Files.readString(dir.resolve("namespace"))).isEqualTo("ns");
        assertThat(api.tokenCalls()).containsExactly(
                new FakeApiObjects.TokenCall("ns", "robot", List.of("vault"), 3600, "p", "uid-1"));

        mounts(pod);
        assertThat(api.tokenCalls()).as("a valid token is reused by the next container start").hasSize(1);

        scheduler.advance(Duration.ofSeconds(2879));
        assertThat(Files.readString(dir.resolve("token"))).isEqualTo("token-1");
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(Files.readString(dir.resolve("token"))).as("renewed after 80% of 1h").isEqualTo("token-2");
        scheduler.advance(Duration.ofSeconds(2880));
        assertThat(Files.readString(dir.resolve("token"))).isEqualTo("token-3");

        volumes().release(pod);
        assertThat(scheduler.pending()).isEmpty();
        scheduler.advance(Duration.ofHours(5));
        assertThat(api.tokenCalls()).hasSize(3);
    }

    @Test
    void aFailedRenewalKeepsTheValidTokenAndRetriesEveryMinute() throws Exception {
        PodDefinition pod = pod("""
                - name: sa
                  projected: {sources: [{serviceAccountToken: {path: token, expirationSeconds: 600}}]}
                """);
        Path dir = mounts(pod).get(0).hostPath();
        api.unavailable("connection refused");
        scheduler.advance(Duration.ofSeconds(480));
        assertThat(Files.readString(dir.resolve("token"))).isEqualTo("token-1");
        assertThat(scheduler.pending()).containsExactly(scheduler.clock().instant().plus(Duration.ofMinutes(1)));

        api.unavailable(null);
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(Files.readString(dir.resolve("token"))).isEqualTo("token-2");
        assertThat(api.tokenCalls()).extracting(FakeApiObjects.TokenCall::audiences).containsOnly(List.of());
    }

    @Test
    void longLivedTokensAreRenewedAfter24Hours() throws Exception {
        PodDefinition pod = pod("""
                - name: sa
                  projected: {sources: [{serviceAccountToken: {path: token, expirationSeconds: 604800}}]}
                """);
        mounts(pod);
        assertThat(scheduler.pending()).containsExactly(scheduler.clock().instant().plus(Duration.ofHours(24)));
    }

    @Test
    void anExpiredTokenThatCannotBeRenewedFailsTheMount() throws Exception {
        PodDefinition pod = pod("""
                - name: sa
                  projected: {sources: [{serviceAccountToken: {path: token, expirationSeconds: 600}}]}
                """);
        api.unavailable("connection refused");
        assertThatThrownBy(() -> mounts(pod)).hasMessage("MountVolume.SetUp failed for volume \"sa\" : "
                + "failed to fetch token: connection refused");
    }
}
