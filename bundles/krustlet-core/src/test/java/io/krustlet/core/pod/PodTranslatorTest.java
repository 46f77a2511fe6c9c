package io.krustlet.core.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class PodTranslatorTest {

    private final PodTranslator translator = new PodTranslator("node1");

    private PodDefinition translate(String yaml) throws InvalidPodException {
        Pod pod = Serialization.unmarshal(yaml, Pod.class);
        pod.getMetadata().setUid("u1");
        return translator.translate(pod, "file");
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
        assertThat(first.env()).containsExactly(java.util.Map.entry("A", "x"), java.util.Map.entry("B", "x-y-$(A)"),
                java.util.Map.entry("POD", "p"), java.util.Map.entry("APP", "demo"), java.util.Map.entry("NODE", "node1"));
        assertThat(first.limits().memoryBytes()).isEqualTo(64L * 1024 * 1024);
        assertThat(first.limits().cpuMillis()).isEqualTo(500);
        assertThat(pod.containers().get(1).argv()).containsExactly("args-only", "two", "three");
        assertThat(pod.restartPolicy()).isEqualTo(RestartPolicy.Always);
        assertThat(pod.terminationGracePeriod().toSeconds()).isEqualTo(5);
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
                .hasMessageContaining("does not support");
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
