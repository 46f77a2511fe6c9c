package io.krustlet.oci.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.krustlet.oci.ImageReference;
import io.krustlet.oci.PullException;
import io.krustlet.oci.PullPolicy;
import io.krustlet.oci.PulledModule;
import io.krustlet.oci.RegistryCredential;
import io.krustlet.testmodules.TestModules;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pull and push against real registries: Debian's docker-registry, plain and with basic auth. */
class OciImageServiceTest {

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    private static RegistryServer plain;
    private static RegistryServer secured;

    @BeforeAll
    static void startRegistries() throws Exception {
        plain = RegistryServer.start(shared.resolve("plain"), null, null);
        secured = RegistryServer.start(shared.resolve("secured"), "alice", "s3cret");
    }

    @AfterAll
    static void stopRegistries() throws Exception {
        if (plain != null) {
            plain.close();
        }
        if (secured != null) {
            secured.close();
        }
    }

    private OciImageService service(Path store, long max, List<RegistryCredential> nodeCredentials) throws Exception {
        return new OciImageService(store, max, Set.of(plain.host(), secured.host()), null, nodeCredentials);
    }

    private OciImageService service() throws Exception {
        return service(tmp.resolve("store"), 0, List.of());
    }

    private String pushHello(String repository) throws Exception {
        return service(tmp.resolve("pusher"), 0, List.of()).push(TestModules.hello(), plain.host() + "/" + repository, List.of());
    }

    @Test
    void pushThenPullByTagAndByDigest() throws Exception {
        String manifestDigest = pushHello("wasm/hello:v1");
        PulledModule byTag = service().pull(plain.host() + "/wasm/hello:v1", PullPolicy.IfNotPresent, List.of());
        assertThat(byTag.pulled()).isTrue();
        assertThat(Files.readAllBytes(byTag.file())).isEqualTo(TestModules.bytes("hello.wasm"));
        assertThat(byTag.layerDigest()).isEqualTo(Digests.of(TestModules.bytes("hello.wasm")));
        assertThat(byTag.imageId()).isEqualTo(plain.host() + "/wasm/hello@" + manifestDigest);

        PulledModule byDigest = service(tmp.resolve("other"), 0, List.of())
                .pull(plain.host() + "/wasm/hello@" + manifestDigest, PullPolicy.IfNotPresent, List.of());
        assertThat(byDigest.layerDigest()).isEqualTo(byTag.layerDigest());
    }

    @Test
    void pullPoliciesDecideWhenTheRegistryIsAsked() throws Exception {
        RegistryServer own = RegistryServer.start(tmp.resolve("own"), null, null);
        String image;
        OciImageService service;
        try {
            service = new OciImageService(tmp.resolve("store"), 0, Set.of(own.host()), null, List.of());
            image = own.host() + "/wasm/policy:v1";
            new OciImageService(tmp.resolve("pusher"), 0, Set.of(own.host()), null, List.of())
                    .push(TestModules.hello(), image, List.of());
            assertThatThrownBy(() -> service.pull(image, PullPolicy.Never, List.of()))
                    .isInstanceOf(PullException.class).hasMessageContaining("imagePullPolicy is Never")
                    .extracting(e -> ((PullException) e).kind()).isEqualTo(PullException.Kind.NOT_PRESENT);
            assertThat(service.pull(image, PullPolicy.IfNotPresent, List.of()).pulled()).isTrue();
        } finally {
            own.stop();
        }
        // the registry is gone: IfNotPresent and Never use the store, Always must ask and fails
        assertThat(service.pull(image, PullPolicy.IfNotPresent, List.of()).pulled()).isFalse();
        assertThat(service.pull(image, PullPolicy.Never, List.of()).pulled()).isFalse();
        assertThatThrownBy(() -> service.pull(image, PullPolicy.Always, List.of()))
                .isInstanceOf(PullException.class).hasMessageContaining("cannot connect")
                .extracting(e -> ((PullException) e).kind()).isEqualTo(PullException.Kind.NETWORK);
    }

    @Test
    void aMissingImageIsNotFound() throws Exception {
        assertThatThrownBy(() -> service().pull(plain.host() + "/wasm/nothing:here", PullPolicy.Always, List.of()))
                .isInstanceOf(PullException.class).hasMessageContaining("not found")
                .extracting(e -> ((PullException) e).kind()).isEqualTo(PullException.Kind.NOT_FOUND);
    }

    @Test
    void aTamperedBlobIsRefused() throws Exception {
        pushHello("wasm/tampered:v1");
        String layer = Digests.of(TestModules.bytes("hello.wasm"));
        byte[] bytes = Files.readAllBytes(plain.blobData(layer));
        bytes[bytes.length - 1] ^= 0x5a;
        Files.write(plain.blobData(layer), bytes);
        try {
            assertThatThrownBy(() -> service().pull(plain.host() + "/wasm/tampered:v1", PullPolicy.Always, List.of()))
                    .isInstanceOf(PullException.class).hasMessageContaining("refusing to use it")
                    .extracting(e -> ((PullException) e).kind()).isEqualTo(PullException.Kind.DIGEST_MISMATCH);
            assertThat(Files.list(tmp.resolve("store/blobs/sha256"))).isEmpty();
        } finally {
            bytes[bytes.length - 1] ^= 0x5a;
            Files.write(plain.blobData(layer), bytes);
        }
    }

    @Test
    void anImageWithoutAWasmLayerIsNotAModule() throws Exception {
        ImageReference ref = ImageReference.parse(plain.host() + "/wasm/tarball:v1");
        var client = new RegistryClient(Set.of(plain.host()), null);
        byte[] layer = "not wasm".getBytes(StandardCharsets.UTF_8);
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        client.pushBlob(ref, layer, Digests.of(layer), Optional.empty());
        client.pushBlob(ref, config, Digests.of(config), Optional.empty());
        String manifest = """
                {"schemaVersion":2,"mediaType":"%s",
                 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},
                 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%d}]}
                """.formatted(MediaTypes.OCI_MANIFEST, Digests.of(config), config.length, Digests.of(layer), layer.length);
        client.pushManifest(ref, "v1", MediaTypes.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8), Optional.empty());
        assertThatThrownBy(() -> service().pull(ref.toString(), PullPolicy.Always, List.of()))
                .isInstanceOf(PullException.class)
                .hasMessageContaining("has no wasm layer (layer types: application/vnd.oci.image.layer.v1.tar+gzip)")
                .extracting(e -> ((PullException) e).kind()).isEqualTo(PullException.Kind.INVALID_MODULE);
    }

    @Test
    void anIndexResolvesToItsWasmPlatform() throws Exception {
        String wasmManifest = pushHello("wasm/multi:wasm");
        ImageReference ref = ImageReference.parse(plain.host() + "/wasm/multi:index");
        var client = new RegistryClient(Set.of(plain.host()), null);
        byte[] wasmBody = client.manifest(ref, wasmManifest, Optional.empty()).body();
        String index = """
                {"schemaVersion":2,"mediaType":"%s","manifests":[
                  {"mediaType":"%s","digest":"%s","size":%d,"platform":{"os":"linux","architecture":"amd64"}},
                  {"mediaType":"%s","digest":"%s","size":%d,"platform":{"os":"wasip1","architecture":"wasm"}}]}
                """.formatted(MediaTypes.OCI_INDEX, MediaTypes.OCI_MANIFEST, wasmManifest, wasmBody.length,
                MediaTypes.OCI_MANIFEST, wasmManifest, wasmBody.length);
        client.pushManifest(ref, "index", MediaTypes.OCI_INDEX, index.getBytes(StandardCharsets.UTF_8), Optional.empty());
        PulledModule pulled = service().pull(ref.toString(), PullPolicy.Always, List.of());
        assertThat(pulled.imageId()).endsWith("@" + wasmManifest);
        assertThat(Files.readAllBytes(pulled.file())).isEqualTo(TestModules.bytes("hello.wasm"));
    }

    @Test
    void basicAuthNeedsTheRightCredentials() throws Exception {
        String image = secured.host() + "/private/hello:v1";
        var right = new RegistryCredential(secured.host(), "alice", "s3cret");
        var wrong = new RegistryCredential(secured.host(), "alice", "guess");
        assertThatThrownBy(() -> service(tmp.resolve("anon"), 0, List.of()).push(TestModules.hello(), image, List.of()))
                .isInstanceOf(PullException.class).hasMessageContaining("none is configured");
        service(tmp.resolve("pusher"), 0, List.of()).push(TestModules.hello(), image, List.of(right));

        assertThatThrownBy(() -> service().pull(image, PullPolicy.Always, List.of()))
                .extracting(e -> ((PullException) e).kind()).isEqualTo(PullException.Kind.UNAUTHORIZED);
        assertThatThrownBy(() -> service().pull(image, PullPolicy.Always, List.of(wrong)))
                .isInstanceOf(PullException.class).hasMessageContaining("refused the credentials")
                .extracting(e -> ((PullException) e).kind()).isEqualTo(PullException.Kind.UNAUTHORIZED);
        assertThat(service().pull(image, PullPolicy.Always, List.of(right)).pulled()).isTrue();
        // node-level credentials serve pods that bring none
        assertThat(service(tmp.resolve("node"), 0, List.of(right)).pull(image, PullPolicy.Always, List.of()).pulled())
                .isTrue();
    }

    @Test
    void bearerTokenRegistriesAreAnsweredWithATokenFromTheirRealm() throws Exception {
        pushHello("wasm/token:v1");
        try (TokenAuthProxy hub = new TokenAuthProxy(plain.host(), "bob", "pw")) {
            String image = hub.host() + "/wasm/token:v1";
            var anonymous = new OciImageService(tmp.resolve("anon"), 0, Set.of(hub.host()), null, List.of());
            assertThatThrownBy(() -> anonymous.pull(image, PullPolicy.Always, List.of()))
                    .isInstanceOf(PullException.class).hasMessageContaining("refused an anonymous request")
                    .extracting(e -> ((PullException) e).kind()).isEqualTo(PullException.Kind.UNAUTHORIZED);
            var node = new OciImageService(tmp.resolve("store"), 0, Set.of(hub.host()), null,
                    List.of(new RegistryCredential(hub.host(), "bob", "pw")));
            PulledModule pulled = node.pull(image, PullPolicy.Always, List.of());
            assertThat(Files.readAllBytes(pulled.file())).isEqualTo(TestModules.bytes("hello.wasm"));
            assertThat(hub.tokenRequests).last().asString()
                    .contains("service=test-registry").contains("scope=repository%3Awasm%2Ftoken%3Apull");
        }
    }

    @Test
    void blobRedirectsAreFollowedWithoutTheRegistrysCredentials() throws Exception {
        pushHello("wasm/redirected:v1");
        try (RedirectingRegistry front = new RedirectingRegistry(plain.host(), "carol", "pw")) {
            var node = new OciImageService(tmp.resolve("store"), 0, Set.of(front.host()), null,
                    List.of(new RegistryCredential(front.host(), "carol", "pw")));
            PulledModule pulled = node.pull(front.host() + "/wasm/redirected:v1", PullPolicy.Always, List.of());
            assertThat(Files.readAllBytes(pulled.file())).isEqualTo(TestModules.bytes("hello.wasm"));
            assertThat(front.storageAuthorization).containsExactly("none");
        }
    }

    @Test
    void aRegistryNotListedAsInsecureIsReachedOverTlsOnly() throws Exception {
        pushHello("wasm/tls:v1");
        var strict = new OciImageService(tmp.resolve("strict"), 0, Set.of(), null, List.of());
        assertThatThrownBy(() -> strict.pull(plain.host() + "/wasm/tls:v1", PullPolicy.Always, List.of()))
                .isInstanceOf(PullException.class)
                .extracting(e -> ((PullException) e).kind()).isEqualTo(PullException.Kind.NETWORK);
    }

    @Test
    void aPrivateCaBundleLetsTheNodeTrustATlsRegistry() throws Exception {
        try (RegistryServer tls = RegistryServer.start(tmp.resolve("tls"), null, null, true)) {
            SSLContext trusting = TrustStores.withBundle(tls.certificate());
            String image = tls.host() + "/wasm/private-ca:v1";
            new OciImageService(tmp.resolve("pusher"), 0, Set.of(), trusting, List.of()).push(TestModules.hello(), image, List.of());
            var untrusting = new OciImageService(tmp.resolve("plain-jvm"), 0, Set.of(), null, List.of());
            assertThatThrownBy(() -> untrusting.pull(image, PullPolicy.Always, List.of()))
                    .isInstanceOf(PullException.class)
                    .extracting(e -> ((PullException) e).kind()).isEqualTo(PullException.Kind.NETWORK);
            var node = new OciImageService(tmp.resolve("store"), 0, Set.of(), trusting, List.of());
            assertThat(node.pull(image, PullPolicy.Always, List.of()).pulled()).isTrue();
        }
    }

    @Test
    void aDockerV2ManifestWithAWasmLayerIsPulledToo() throws Exception {
        ImageReference ref = ImageReference.parse(plain.host() + "/wasm/docker-style:v1");
        var client = new RegistryClient(Set.of(plain.host()), null);
        byte[] module = TestModules.bytes("hello.wasm");
        byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
        client.pushBlob(ref, module, Digests.of(module), Optional.empty());
        client.pushBlob(ref, config, Digests.of(config), Optional.empty());
        String manifest = """
                {"schemaVersion":2,"mediaType":"%s",
                 "config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"%s","size":%d},
                 "layers":[{"mediaType":"application/vnd.module.wasm.content.layer.v1+wasm","digest":"%s","size":%d}]}
                """.formatted(MediaTypes.DOCKER_MANIFEST, Digests.of(config), config.length, Digests.of(module),
                module.length);
        client.pushManifest(ref, "v1", MediaTypes.DOCKER_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8),
                Optional.empty());
        PulledModule pulled = service().pull(ref.toString(), PullPolicy.IfNotPresent, List.of());
        assertThat(Files.readAllBytes(pulled.file())).isEqualTo(module);
    }

    @Test
    void concurrentPullsOfOneImageShareTheDownload() throws Exception {
        pushHello("wasm/together:v1");
        OciImageService service = service();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<PulledModule>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit((Callable<PulledModule>) () ->
                        service.pull(plain.host() + "/wasm/together:v1", PullPolicy.IfNotPresent, List.of())));
            }
            for (Future<PulledModule> f : results) {
                assertThat(Files.readAllBytes(f.get().file())).isEqualTo(TestModules.bytes("hello.wasm"));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(Files.list(tmp.resolve("store/tmp"))).isEmpty();
    }

    @Test
    void theStoreDropsLeastRecentlyUsedModulesPastItsSize() throws Exception {
        var pusher = service(tmp.resolve("pusher"), 0, List.of());
        pusher.push(TestModules.hello(), plain.host() + "/wasm/gc-small:v1", List.of());
        pusher.push(TestModules.testmod(), plain.host() + "/wasm/gc-big:v1", List.of());
        OciImageService service = service(tmp.resolve("store"), 100 * 1024, List.of());
        PulledModule small = service.pull(plain.host() + "/wasm/gc-small:v1", PullPolicy.IfNotPresent, List.of());
        service.pull(plain.host() + "/wasm/gc-big:v1", PullPolicy.IfNotPresent, List.of());
        assertThat(small.file()).doesNotExist();
        assertThat(service.pull(plain.host() + "/wasm/gc-small:v1", PullPolicy.IfNotPresent, List.of()).pulled()).isTrue();
    }

    @Test
    void anInvalidReferenceIsReportedAsSuch() throws Exception {
        assertThatThrownBy(() -> service().pull("UPPER/Case:tag", PullPolicy.Always, List.of()))
                .isInstanceOf(PullException.class).hasMessageContaining("invalid repository name")
                .extracting(e -> ((PullException) e).kind()).isEqualTo(PullException.Kind.INVALID_REFERENCE);
    }
}
