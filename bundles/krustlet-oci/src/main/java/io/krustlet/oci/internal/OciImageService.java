package io.krustlet.oci.internal;

import io.krustlet.oci.DockerConfig;
import io.krustlet.oci.ImageReference;
import io.krustlet.oci.ImageService;
import io.krustlet.oci.PullException;
import io.krustlet.oci.PullException.Kind;
import io.krustlet.oci.PullPolicy;
import io.krustlet.oci.PulledModule;
import io.krustlet.oci.RegistryCredential;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's image service: pulls wasm modules from OCI registries into the module store, with
 * pull policies, credentials and concurrent pulls of one image shared; pushes modules.
 */
@Component(service = ImageService.class, configurationPid = OciImageService.PID)
@Designate(ocd = OciConfig.class)
public final class OciImageService implements ImageService {

    static final String PID = "io.krustlet.oci";
    private static final Logger LOG = LoggerFactory.getLogger(OciImageService.class);

    private final RegistryClient registry;
    private final ModulePuller puller;
    private final ModulePusher pusher;
    private final List<RegistryCredential> nodeCredentials;
    private final Map<String, CompletableFuture<PulledModule>> inFlight = new ConcurrentHashMap<>();

    @Activate
    public OciImageService(OciConfig config) throws IOException {
        this(storeDir(config), config.maxStoreSize(), split(config.insecureRegistries()),
                config.caBundle().isBlank() ? null : TrustStores.withBundle(Path.of(config.caBundle().trim())),
                nodeCredentials(config.dockerConfig()));
    }

    OciImageService(Path storeDir, long maxStoreSize, Set<String> insecureRegistries, SSLContext ssl,
            List<RegistryCredential> nodeCredentials) throws IOException {
        this.registry = new RegistryClient(insecureRegistries, ssl);
        this.puller = new ModulePuller(registry, new ModuleStore(storeDir, maxStoreSize));
        this.pusher = new ModulePusher(registry);
        this.nodeCredentials = List.copyOf(nodeCredentials);
        LOG.info("Image service ready (store {}, insecure registries {}, node credentials for {})", storeDir,
                insecureRegistries, nodeCredentials.stream().map(RegistryCredential::registry).toList());
    }

    @Override
    public PulledModule pull(String image, PullPolicy policy, List<RegistryCredential> credentials)
            throws PullException {
        ImageReference ref = parse(image);
        Optional<RegistryCredential> credential = credentialFor(ref, credentials);
        String key = ref + " " + policy + " " + credential.map(RegistryCredential::username).orElse("");
        CompletableFuture<PulledModule> mine = new CompletableFuture<>();
        CompletableFuture<PulledModule> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return join(running);
        }
        try {
            mine.complete(puller.pull(ref, policy, credential));
        } catch (PullException | RuntimeException e) {
            mine.completeExceptionally(e);
        } finally {
            inFlight.remove(key, mine);
        }
        return join(mine);
    }

    @Override
    public String push(Path wasm, String image, List<RegistryCredential> credentials) throws PullException {
        ImageReference ref = parse(image);
        byte[] module;
        try {
            module = Files.readAllBytes(wasm);
        } catch (IOException e) {
            throw new PullException(Kind.INVALID_MODULE, "cannot read " + wasm + ": " + e.getMessage(), e);
        }
        if (module.length < 8 || module[0] != 0 || module[1] != 'a' || module[2] != 's' || module[3] != 'm') {
            throw new PullException(Kind.INVALID_MODULE, wasm + " is not a WebAssembly module");
        }
        String digest = pusher.push(module, wasm.getFileName().toString(), ref, credentialFor(ref, credentials));
        LOG.info("Pushed {} as {} ({})", wasm, ref, digest);
        return digest;
    }

    private static ImageReference parse(String image) throws PullException {
        try {
            return ImageReference.parse(image);
        } catch (IllegalArgumentException e) {
            throw new PullException(Kind.INVALID_REFERENCE, e.getMessage(), e);
        }
    }

    /** The pod's credentials for the registry first, then the node's. */
    private Optional<RegistryCredential> credentialFor(ImageReference ref, List<RegistryCredential> fromPod) {
        List<RegistryCredential> all = new ArrayList<>(fromPod);
        all.addAll(nodeCredentials);
        return all.stream().filter(c -> DockerConfig.registryOf(c.registry()).equals(ref.registry())).findFirst();
    }

    private static PulledModule join(CompletableFuture<PulledModule> future) throws PullException {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof PullException pe) {
                throw pe;
            }
            throw new PullException(Kind.NETWORK, String.valueOf(e.getCause()), e.getCause());
        }
    }

    private static Path storeDir(OciConfig config) {
        if (!config.storeDir().isBlank()) {
            return Path.of(config.storeDir().trim());
        }
        String data = System.getProperty("karaf.data", System.getProperty("java.io.tmpdir"));
        return Path.of(data, "krustlet", "modules");
    }

    private static Set<String> split(String list) {
        Set<String> result = new LinkedHashSet<>();
        Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(result::add);
        return result;
    }

    private static List<RegistryCredential> nodeCredentials(String dockerConfig) throws IOException {
        if (dockerConfig.isBlank()) {
            return List.of();
        }
        Path file = Path.of(dockerConfig.trim());
        try {
            return DockerConfig.parse(Files.readAllBytes(file));
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("dockerConfig " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
