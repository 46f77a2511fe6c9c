package io.krustlet.core.pod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvResolverTest {

    private static final NodeInfo NODE = new NodeInfo("192.168.1.5", 4000, 8L << 30);

    private final FakeApiObjects api = new FakeApiObjects();
    private final EnvResolver resolver = new EnvResolver(api, new DownwardApiValues(NODE));

    private static PodDefinition pod(String containerYaml) throws InvalidPodException {
        Pod pod = Serialization.unmarshal("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns, uid: u-1, labels: {app: demo}, annotations: {team: core}}
                spec:
                  serviceAccountName: robot
                  containers:
                """ + containerYaml.indent(2), Pod.class);
        return new PodTranslator("node1").translate(pod, "api");
    }

    private Map<String, String> resolve(PodDefinition pod) throws Exception {
        return resolver.resolve(pod, pod.containers().get(0));
    }

    @Test
    void envFromComesFirstAndEnvOverridesIt() throws Exception {
        api.configMap("ns", "cfg", Map.of("A", "from-cfg", "B", "b", "1bad", "x", "with space", "y"));
        api.secret("ns", "creds", Map.of("PW", "hunter2"));
        PodDefinition pod = pod("""
                - name: c
                  image: x
                  envFrom:
                  - configMapRef: {name: cfg}
                  - {prefix: S_, secretRef: {name: creds}}
                  env:
                  - {name: A, value: "env-$(B)"}
                  - {name: REF, value: "$(S_PW)/$(MISSING)"}
                  - name: KEY
                    valueFrom: {configMapKeyRef: {name: cfg, key: B}}
                """);
        assertThat(resolve(pod)).containsExactly(Map.entry("A", "env-b"), Map.entry("B", "b"),
                Map.entry("S_PW", "hunter2"), Map.entry("REF", "hunter2/$(MISSING)"), Map.entry("KEY", "b"));
    }

    @Test
    void missingObjectsAndKeysFailWithTheKubeletsMessagesUnlessOptional() throws Exception {
        PodDefinition configMapRef = pod("""
                - name: c
                  image: x
                  env: [{name: X, valueFrom: {configMapKeyRef: {name: cfg, key: k}}}]
                """);
        assertThatThrownBy(() -> resolve(configMapRef)).isInstanceOf(ContainerConfigException.class)
                .hasMessage("configmap \"cfg\" not found");
        api.configMap("ns", "cfg", Map.of("other", "v"));
        assertThatThrownBy(() -> resolve(configMapRef)).hasMessage("couldn't find key k in ConfigMap ns/cfg");
        api.configMap("ns", "cfg", Map.of("k", "v"));
        assertThat(resolve(configMapRef)).as("picked up once it exists").containsExactly(Map.entry("X", "v"));

        PodDefinition secretRef = pod("""
                - name: c
                  image: x
                  env: [{name: X, valueFrom: {secretKeyRef: {name: s, key: k}}}]
                """);
        assertThatThrownBy(() -> resolve(secretRef)).hasMessage("secret \"s\" not found");
        api.secret("ns", "s", Map.of("other", "v"));
        assertThatThrownBy(() -> resolve(secretRef)).hasMessage("couldn't find key k in Secret ns/s");

        PodDefinition envFrom = pod("""
                - name: c
                  image: x
                  envFrom: [{configMapRef: {name: absent}}]
                """);
        assertThatThrownBy(() -> resolve(envFrom)).hasMessage("configmap \"absent\" not found");

        PodDefinition optional = pod("""
                - name: c
                  image: x
                  envFrom: [{configMapRef: {name: absent, optional: true}}, {secretRef: {name: gone, optional: true}}]
                  env:
                  - {name: A, value: a}
                  - name: B
                    valueFrom: {secretKeyRef: {name: s, key: missing-key, optional: true}}
                  - name: C
                    valueFrom: {configMapKeyRef: {name: absent, key: k, optional: true}}
                """);
        assertThat(resolve(optional)).as("optional: the variable is not set").containsExactly(Map.entry("A", "a"));
    }

    @Test
    void anUnreachableApiIsNotAMissingObject() throws Exception {
        api.unavailable("connection refused");
        PodDefinition pod = pod("""
                - name: c
                  image: x
                  env: [{name: X, valueFrom: {configMapKeyRef: {name: cfg, key: k, optional: true}}}]
                """);
        assertThatThrownBy(() -> resolve(pod)).isInstanceOf(ApiUnavailableException.class)
                .hasMessage("connection refused");
        var standalone = new EnvResolver(ApiObjects.standalone(), new DownwardApiValues(NODE));
        assertThatThrownBy(() -> standalone.resolve(pod, pod.containers().get(0)))
                .hasMessage("couldn't get configMap ns/cfg, no kubeClient defined");
    }

    @Test
    void fieldRefsCoverMetadataSpecAndTheNodeAddress() throws Exception {
        PodDefinition pod = pod("""
                - name: c
                  image: x
                  env:
                  - {name: NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                  - {name: NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
                  - {name: UID, valueFrom: {fieldRef: {fieldPath: metadata.uid}}}
                  - {name: TEAM, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['team']"}}}
                  - {name: NOLABEL, valueFrom: {fieldRef: {fieldPath: "metadata.labels['nope']"}}}
                  - {name: SA, valueFrom: {fieldRef: {fieldPath: spec.serviceAccountName}}}
                  - {name: HOST, valueFrom: {fieldRef: {fieldPath: status.hostIP}}}
                  - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
                """);
        assertThat(resolve(pod)).containsExactly(Map.entry("NAME", "p"), Map.entry("NS", "ns"), Map.entry("UID", "u-1"),
                Map.entry("TEAM", "core"), Map.entry("NOLABEL", ""), Map.entry("SA", "robot"),
                Map.entry("HOST", "192.168.1.5"), Map.entry("POD_IP", "192.168.1.5"));
    }

    @Test
    void resourceFieldRefsRoundUpAndFallBackToAllocatable() throws Exception {
        PodDefinition pod = pod("""
                - name: c
                  image: x
                  resources: {limits: {cpu: 1500m, memory: 100Mi}, requests: {cpu: 250m}}
                  env:
                  - {name: CPU, valueFrom: {resourceFieldRef: {resource: limits.cpu}}}
                  - {name: CPU_M, valueFrom: {resourceFieldRef: {resource: limits.cpu, divisor: 1m}}}
                  - {name: MEM_MI, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
                  - {name: MEM_M, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1M}}}
                  - {name: REQ_CPU, valueFrom: {resourceFieldRef: {resource: requests.cpu}}}
                  - {name: REQ_MEM, valueFrom: {resourceFieldRef: {resource: requests.memory}}}
                  - {name: OTHER, valueFrom: {resourceFieldRef: {containerName: bare, resource: limits.memory, divisor: 1Gi}}}
                  - {name: OTHER_REQ, valueFrom: {resourceFieldRef: {containerName: bare, resource: requests.cpu}}}
                - name: bare
                  image: x
                """);
        assertThat(resolve(pod)).containsExactly(Map.entry("CPU", "2"), Map.entry("CPU_M", "1500"),
                Map.entry("MEM_MI", "100"), Map.entry("MEM_M", "105"), Map.entry("REQ_CPU", "1"),
                Map.entry("REQ_MEM", "104857600"),
                Map.entry("OTHER", "8"), Map.entry("OTHER_REQ", "0"));
    }

    @Test
    void expandsLikeTheKubelet() {
        Map<String, String> env = Map.of("A", "x");
        assertThat(EnvResolver.expand("$(A)$(B)$$(A)$$$(A)$", env)).isEqualTo("x$(B)$(A)$x$");
        assertThat(EnvResolver.expand("$(A", env)).isEqualTo("$(A");
    }
}
