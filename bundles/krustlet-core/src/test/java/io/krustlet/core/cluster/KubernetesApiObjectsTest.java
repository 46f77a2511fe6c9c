package io.krustlet.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.krustlet.core.pod.LaunchException;
import io.krustlet.core.pod.ApiUnavailableException;
import io.krustlet.core.pod.DownwardApiValues;
import io.krustlet.core.pod.EnvResolver;
import io.krustlet.core.pod.NodeInfo;
import io.krustlet.core.pod.ObjectData;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.PodTranslator;
import io.krustlet.core.volumes.VolumeManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KubernetesApiObjects} against fabric8's mock API server in CRUD mode, then the volumes and
 * the environment of a pod built from what that server holds.
 */
class KubernetesApiObjectsTest {

    private static final NodeInfo NODE = new NodeInfo("10.0.0.2", 2000, 1L << 30);

    @TempDir
    Path dataDir;

    private KubernetesMockServer server;
    private TokenIssuer dispatcher;
    private KubernetesClient client;
    private KubernetesApiObjects api;
    private ScheduledExecutorService scheduler;

    /**
     * The CRUD dispatcher, plus the TokenRequest subresource, which the CRUD mock does not implement
     * (it answers 422 "metadata is required"): tokens are issued here as the API server would, with
     * the requested lifetime, and each request is kept for the test to look at.
     */
    private static final class TokenIssuer extends Dispatcher {
        private static final Pattern TOKEN_PATH =
                Pattern.compile("/api/v1/namespaces/([^/]+)/serviceaccounts/([^/]+)/token");
        private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
        final List<TokenRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            Matcher m = TOKEN_PATH.matcher(request.getPath());
            if (!"POST".equals(request.getMethod()) || !m.matches()) {
                return crud.dispatch(request);
            }
            TokenRequest tr = Serialization.unmarshal(request.getUtf8Body(), TokenRequest.class);
            requests.add(tr);
            tr.setStatus(new TokenRequestStatusBuilder().withToken("jwt-" + m.group(2) + "-" + requests.size())
                    .withExpirationTimestamp(Instant.now().plusSeconds(tr.getSpec().getExpirationSeconds()).toString())
                    .build());
            return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(tr));
        }
    }

    @BeforeEach
    void start() {
        dispatcher = new TokenIssuer();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init();
        // no retries: an unreachable server must fail at once, not after the client's back-off
        client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(server.createClient().getConfiguration())
                .withRequestRetryBackoffLimit(0).build()).build();
        api = new KubernetesApiObjects(client);
        scheduler = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
        client.close();
        server.destroy();
    }

    private void createConfigMap(String name, Map<String, String> data) {
        client.configMaps().inNamespace("ns").resource(new ConfigMapBuilder().withNewMetadata().withName(name)
                .endMetadata().withData(data).build()).create();
    }

    private void createSecret(String name, Map<String, String> data) {
        Map<String, String> encoded = new HashMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        client.secrets().inNamespace("ns").resource(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
                .withData(encoded).build()).create();
    }

    @Test
    void readsConfigMapsAndSecretsAndTellsMissingOnesApart() throws Exception {
        createConfigMap("cfg", Map.of("k", "v"));
        createSecret("s", Map.of("pw", "hunter2"));

        assertThat(api.configMap("ns", "cfg")).hasValueSatisfying(cm -> assertThat(cm.getData()).containsEntry("k", "v"));
        assertThat(api.configMap("ns", "missing")).isEmpty();
        assertThat(api.configMap("other", "cfg")).isEmpty();
        assertThat(api.secret("ns", "s").map(ObjectData::secretStrings)).hasValue(Map.of("pw", "hunter2"));
        assertThat(api.secret("ns", "missing")).isEmpty();
    }

    @Test
    void anUnreachableApiServerIsUnavailableNotMissing() {
        server.destroy();
        assertThatThrownBy(() -> api.configMap("ns", "cfg")).isInstanceOf(ApiUnavailableException.class);
        assertThatThrownBy(() -> api.secret("ns", "s")).isInstanceOf(ApiUnavailableException.class);
        assertThatThrownBy(() -> api.serviceAccountToken("ns", "sa", List.of(), 600, "p", "u"))
                .isInstanceOf(ApiUnavailableException.class);
    }

    @Test
    void requestsATokenBoundToThePod() throws Exception {
        Instant before = Instant.now();
        var token = api.serviceAccountToken("ns", "robot", List.of("vault"), 3600, "p", "uid-1");

        assertThat(token.token()).isEqualTo("jwt-robot-1");
        assertThat(token.lifetime().toSeconds()).isEqualTo(3600);
        assertThat(token.expiration()).isBetween(before.plusSeconds(3599), Instant.now().plusSeconds(3601));
        TokenRequest sent = dispatcher.requests.get(0);
        assertThat(sent.getSpec().getAudiences()).containsExactly("vault");
        assertThat(sent.getSpec().getExpirationSeconds()).isEqualTo(3600L);
        assertThat(sent.getSpec().getBoundObjectRef().getKind()).isEqualTo("Pod");
        assertThat(sent.getSpec().getBoundObjectRef().getName()).isEqualTo("p");
        assertThat(sent.getSpec().getBoundObjectRef().getUid()).isEqualTo("uid-1");
    }

    @Test
    void aPodsVolumesAndEnvironmentComeFromTheApiServer() throws Exception {
        Pod spec = Serialization.unmarshal("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ns, uid: uid-9}
                spec:
                  serviceAccountName: robot
                  volumes:
                  - {name: cfg, configMap: {name: settings}}
                  - name: sa
                    projected:
                      sources:
                      - serviceAccountToken: {path: token, audience: api}
                      - secret: {name: creds, items: [{key: pw, path: password}]}
                  containers:
                  - name: c
                    image: x
                    envFrom: [{configMapRef: {name: settings}, prefix: CFG_}]
                    env:
                    - name: PW
                      valueFrom: {secretKeyRef: {name: creds, key: pw}}
                    volumeMounts: [{name: cfg, mountPath: /etc/cfg}, {name: sa, mountPath: /var/run/sa}]
                """, Pod.class);
        PodDefinition pod = new PodTranslator("node1").translate(spec, "api");
        var volumes = new VolumeManager(dataDir.resolve("pods"), api, NODE, scheduler, Clock.systemUTC());
        var env = new EnvResolver(api, new DownwardApiValues(NODE));

        assertThatThrownBy(() -> volumes.mounts(pod, pod.containers().get(0)))
                .isInstanceOf(LaunchException.class)
                .hasMessage("MountVolume.SetUp failed for volume \"cfg\" : configmap \"settings\" not found");
        assertThatThrownBy(() -> env.resolve(pod, pod.containers().get(0))).hasMessage("configmap \"settings\" not found");

        createConfigMap("settings", Map.of("mode", "fast"));
        createSecret("creds", Map.of("pw", "s3cret"));

        var mounts = volumes.mounts(pod, pod.containers().get(0));
        assertThat(Files.readString(mounts.get(0).hostPath().resolve("mode"))).isEqualTo("fast");
        assertThat(Files.readString(mounts.get(1).hostPath().resolve("token"))).isEqualTo("jwt-robot-1");
        assertThat(Files.readString(mounts.get(1).hostPath().resolve("password"))).isEqualTo("s3cret");
        assertThat(dispatcher.requests.get(0).getSpec().getAudiences()).containsExactly("api");
        assertThat(env.resolve(pod, pod.containers().get(0)))
                .containsExactly(Map.entry("CFG_mode", "fast"), Map.entry("PW", "s3cret"));

        volumes.release(pod);
        assertThat(Files.exists(dataDir.resolve("pods/uid-9"))).isFalse();
    }
}
