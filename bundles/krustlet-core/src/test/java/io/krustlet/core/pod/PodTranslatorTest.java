package io.krustlet.core.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodTranslatorTest {

    private final PodTranslator translator = new PodTranslator("node1");

    private PodDefinition translate(String yaml) throws InvalidPodException {
        return translate(yaml, "file");
    }

    private PodDefinition translate(String yaml, String source) throws InvalidPodException {
        Pod pod = Serialization.unmarshal(yaml, Pod.class);
        pod.getMetadata().setUid("u1");
        return translator.translate(pod, source);
    }

    @Test
    void translatesProbesWithTheApiDefaultsAndRejectsBadOnes() throws Exception {
        PodDefinition pod = translate("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns}
                spec:
                  containers:
                  - name: web
                    image: fs/a.wasm
                    ports: [{name: http, containerPort: 8080}]
                    readinessProbe:
                      httpGet: {path: /ready, port: http}
                      initialDelaySeconds: 2
                    livenessProbe:
                      tcpSocket: {port: 8080}
                      periodSeconds: 5
                      failureThreshold: 1
                """);
        ContainerDefinition web = pod.containers().get(0);
        assertThat(web.readinessProbe()).isEqualTo(new ProbeDefinition(new ProbeDefinition.HttpGet("HTTP", null, "http",
                "/ready", Map.of()), java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(10),
                java.time.Duration.ofSeconds(1), 1, 3));
        assertThat(web.livenessProbe().action()).isEqualTo(new ProbeDefinition.TcpSocket(null, "8080"));
        assertThat(web.livenessProbe().period()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(web.port("http")).hasValue(8080);
        String bad = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns}
                spec:
                  containers:
                  - name: web
                    image: fs/a.wasm
                    livenessProbe: %s
                """;
        assertThatThrownBy(() -> translate(bad.formatted("{tcpSocket: {port: 80}, successThreshold: 2}")))
                .hasMessage("spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1");
        assertThatThrownBy(() -> translate(bad.formatted("{periodSeconds: 3}")))
                .hasMessage("spec.containers[0].livenessProbe: Required value: must specify a handler type");
    }

    @Test
    void translatesContainerPortsAndRejectsBadOnes() throws Exception {
        PodDefinition pod = translate("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns}
                spec:
                  containers:
                  - name: web
                    image: fs/a.wasm
                    ports:
                    - {name: http, containerPort: 8080}
                    - {containerPort: 9090, protocol: UDP}
                """);
        assertThat(pod.containers().get(0).ports()).containsExactly(
                new io.krustlet.api.ContainerPort("http", 8080, "TCP"),
                new io.krustlet.api.ContainerPort("", 9090, "UDP"));
        String bad = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns}
                spec:
                  containers:
                  - name: web
                    image: fs/a.wasm
                    ports: [%s]
                """;
        assertThatThrownBy(() -> translate(bad.formatted("{containerPort: 70000}")))
                .hasMessage("spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive");
        assertThatThrownBy(() -> translate(bad.formatted("{containerPort: 80, protocol: HTTP}")))
                .hasMessageContaining("ports[0].protocol: Unsupported value: \"HTTP\"");
        assertThatThrownBy(() -> translate(bad.formatted("{name: a, containerPort: 80}, {name: a, containerPort: 81}")))
                .hasMessage("spec.containers[0].ports[1].name: Duplicate value: \"a\"");
    }

    @Test
    void buildsArgvEnvAndLimitsWithKubernetesSemantics() throws Exception {
        PodDefinition pod = translate("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns, labels: {app: demo}}
                spec:
                  terminationGracePeriodSeconds: 5
                  containers:
                  - name: with-command
                    image: fs/a.wasm
                    command: [prog, -v]
                    args: [one]
                    env:
                    - {name: A, value: x}
                    - {name: B, value: "$(A)-y-$$(A)"}
                    - name: POD
                      valueFrom: {fieldRef: {fieldPath: metadata.name}}
                    - name: APP
                      valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}
                    - name: NODE
                      valueFrom: {fieldRef: {fieldPath: spec.nodeName}}
                    resources: {limits: {memory: 64Mi, cpu: 500m}}
                  - name: args-only
                    image: fs/b.wasm
                    args: [two, three]
                """);
        ContainerDefinition first = pod.containers().get(0);
        assertThat(first.argv()).containsExactly("prog", "-v", "one");
        assertThat(first.env()).containsExactly(new EnvVarSpec.Literal("A", "x"),
                new EnvVarSpec.Literal("B", "$(A)-y-$$(A)"), new EnvVarSpec.FieldRef("POD", "metadata.name"),
                new EnvVarSpec.FieldRef("APP", "metadata.labels['app']"), new EnvVarSpec.FieldRef("NODE", "spec.nodeName"));
        // the values are worked out at start; a static pod needs no API for these
        var resolver = new EnvResolver(ApiObjects.standalone(), new DownwardApiValues(new NodeInfo("10.0.0.1", 1000, 1L << 30)));
        assertThat(resolver.resolve(pod, first)).containsExactly(Map.entry("A", "x"), Map.entry("B", "x-y-$(A)"),
                Map.entry("POD", "p"), Map.entry("APP", "demo"), Map.entry("NODE", "node1"));
        assertThat(first.limits().memoryBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(first.limits().cpuMillis()).isEqualTo(500);
        assertThat(first.resources().requests()).as("requests default to limits")
                .isEqualTo(Map.of("memory", "64Mi", "cpu", "500m"));
        assertThat(pod.containers().get(1).argv()).containsExactly("args-only", "two", "three");
        assertThat(pod.restartPolicy()).isEqualTo(RestartPolicy.Always);
        assertThat(pod.terminationGracePeriod().toSeconds()).isEqualTo(5);
        assertThat(pod.labels()).isEqualTo(Map.of("app", "demo"));
        assertThat(pod.serviceAccountName()).isEqualTo("default");
        assertThat(pod.nodeName()).isEqualTo("node1");
    }

    @Test
    void rejectsWhatTheApiServerWouldReject() {
        String base = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n";
        assertThatThrownBy(() -> translate(base + "  containers: []\n"))
                .hasMessage("spec.containers: Required value");
        assertThatThrownBy(() -> translate(base + "  containers: [{name: a}]\n"))
                .hasMessage("spec.containers[0].image: Required value");
        assertThatThrownBy(() -> translate(base + "  containers: [{name: a, image: x}, {name: a, image: y}]\n"))
                .hasMessage("spec.containers[1].name: Duplicate value: \"a\"");
        assertThatThrownBy(() -> translate(base + "  restartPolicy: Sometimes\n  containers: [{name: a, image: x}]\n"))
                .hasMessageStartingWith("spec.restartPolicy: Unsupported value: \"Sometimes\"");
        assertThatThrownBy(() -> translate(base + "  containers: [{name: a, image: x, volumeMounts: [{name: v, mountPath: /d}]}]\n"))
                .hasMessage("spec.containers[0].volumeMounts[0].name: Not found: \"v\"");
        assertThatThrownBy(() -> translate(base + "  volumes: [{name: v, nfs: {server: s, path: /}}]\n  containers: [{name: a, image: x}]\n"))
                .hasMessage("spec.volumes[0]: volume \"v\": type nfs is not supported by this node (supported: "
                        + "configMap, downwardAPI, emptyDir, hostPath, projected, secret)");
        assertThatThrownBy(() -> translate(base + "  containers: [{name: a, image: x, env: [{name: X, valueFrom: "
                + "{fieldRef: {fieldPath: metadata.labels}}}]}]\n"))
                .hasMessageStartingWith("spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "
                        + "\"metadata.labels\"");
        assertThatThrownBy(() -> translate(base + "  volumes: [{name: v, downwardAPI: {items: [{path: ../x, fieldRef: "
                + "{fieldPath: metadata.name}}]}}]\n  containers: [{name: a, image: x}]\n"))
                .hasMessage("spec.volumes[0].downwardAPI.items[0].path: Invalid value: \"../x\": must not contain '..'");
        assertThatThrownBy(() -> translate(base + "  volumes: [{name: v, downwardAPI: {defaultMode: 1000}}]\n"
                + "  containers: [{name: a, image: x}]\n"))
                .hasMessageContaining("must be a number between 0 and 0777 (octal)");
    }

    @Test
    void staticPodsCannotReferenceApiObjects() {
        String base = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n";
        assertThatThrownBy(() -> translate(base + "  containers: [{name: a, image: x, env: [{name: X, valueFrom: "
                + "{configMapKeyRef: {name: cfg, key: k}}}]}]\n"))
                .hasMessage("spec.containers[0].env[0].valueFrom.configMapKeyRef: Forbidden: a static pod cannot "
                        + "reference API objects (configmap \"cfg\")");
        assertThatThrownBy(() -> translate(base + "  containers: [{name: a, image: x, envFrom: [{secretRef: {name: s}}]}]\n"))
                .hasMessageContaining("envFrom[0].secretRef: Forbidden");
        assertThatThrownBy(() -> translate(base + "  volumes: [{name: v, secret: {secretName: s}}]\n"
                + "  containers: [{name: a, image: x}]\n"))
                .hasMessage("spec.volumes[0].secret: Forbidden: a static pod cannot reference API objects (secret \"s\")");
        assertThatThrownBy(() -> translate(base + "  volumes: [{name: v, projected: {sources: [{serviceAccountToken: "
                + "{path: t}}]}}]\n  containers: [{name: a, image: x}]\n"))
                .hasMessageContaining("serviceAccountToken: Forbidden");
    }

    @Test
    void apiPodsKeepReferencesAndUnsupportedVolumesForStartTime() throws Exception {
        PodDefinition pod = translate("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns}
                spec:
                  serviceAccountName: robot
                  volumes:
                  - name: cfg
                    configMap:
                      name: settings
                      defaultMode: 0400
                      optional: true
                      items: [{key: a, path: dir/a.txt, mode: 0600}, {key: b, path: b.txt}]
                  - {name: data, persistentVolumeClaim: {claimName: pvc}}
                  - name: all
                    projected:
                      defaultMode: 0440
                      sources:
                      - secret: {name: creds}
                      - downwardAPI: {items: [{path: labels, fieldRef: {fieldPath: metadata.labels}}]}
                      - serviceAccountToken: {path: token, audience: vault}
                  - {name: scratch, emptyDir: {sizeLimit: 1Mi}}
                  - {name: nothing}
                  containers:
                  - name: a
                    image: x
                    envFrom: [{prefix: CFG_, configMapRef: {name: settings, optional: true}}]
                    env:
                    - name: PW
                      valueFrom: {secretKeyRef: {name: creds, key: pw}}
                    - name: MEM
                      valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
                """, "api");
        assertThat(pod.serviceAccountName()).isEqualTo("robot");
        assertThat(pod.volumes()).extracting(VolumeDefinition::source).containsExactly(
                new VolumeSource.ConfigMap("settings", List.of(new KeyToPath("a", "dir/a.txt", 0600),
                        new KeyToPath("b", "b.txt", null)), 0400, true),
                new VolumeSource.Unsupported("persistentVolumeClaim"),
                new VolumeSource.Projected(List.of(new VolumeSource.Secret("creds", List.of(), 0440, false),
                        new VolumeSource.DownwardApi(List.of(new DownwardApiFile("labels", "metadata.labels", null, null)),
                                0440),
                        new VolumeSource.ServiceAccountTokenProjection("vault", 3600, "token")), 0440),
                new VolumeSource.EmptyDir("1Mi"),
                new VolumeSource.EmptyDir(null));
        ContainerDefinition a = pod.containers().get(0);
        assertThat(a.envFrom()).containsExactly(new EnvFromSpec(EnvFromSpec.Kind.CONFIG_MAP, "settings", "CFG_", true));
        assertThat(a.env()).containsExactly(new EnvVarSpec.SecretKey("PW", "creds", "pw", false),
                new EnvVarSpec.ResourceFieldRef("MEM", new ResourceFieldSpec(null, "limits.memory", "1Mi")));
    }

    @Test
    void keepsInitContainersInOrder() throws Exception {
        PodDefinition pod = translate("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  restartPolicy: OnFailure
                  initContainers: [{name: i2, image: x}, {name: i1, image: x}]
                  containers: [{name: app, image: x}]
                """);
        assertThat(pod.initContainers()).extracting(ContainerDefinition::name).isEqualTo(List.of("i2", "i1"));
    }
}
