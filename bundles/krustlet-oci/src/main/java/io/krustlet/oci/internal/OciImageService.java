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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import javax.net.ssl.SSLContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
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

    /** What the configuration makes: replaced whole by a configuration change; pulls under way keep theirs. */
    private record Setup(ModulePuller puller, ModulePusher pusher, List<RegistryCredential> nodeCredentials) {
    }

    private volatile Setup setup;
    /** Pulls under way, by image, policy and credential; guarded by itself. */
    private final Map<String, SharedPull> inFlight = new HashMap<>();
    /** Runs the downloads, so a caller that gives up (an interrupt) never cuts one short for the others. */
    private final ExecutorService downloads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "krustlet-pull");
        t.setDaemon(true);
        return t;
    });

    /** One download and how many callers wait for it. */
    private static final class SharedPull {
        final CompletableFuture<PulledModule> result = new CompletableFuture<>();
        Future<?> download;
        int waiters;
    }

    /**
     * A configuration change (the etc file arriving after the bundle started, or an edit) applies
     * at once, without unregistering the service: the core would otherwise lose it for a moment.
     */
    @Modified
    void modified(OciConfig config) throws IOException {
        setup = setup(config);
    }

    @Activate
    public OciImageService(OciConfig config) throws IOException {
        this.setup = setup(config);
    }

    private static Setup setup(OciConfig config) throws IOException {
        return setup(storeDir(config), config.maxStoreSize(), split(config.insecureRegistries()),
                config.caBundle().isBlank() ? null : TrustStores.withBundle(Path.of(config.caBundle().trim())),
                nodeCredentials(config.dockerConfig()));
    }

    OciImageService(Path storeDir, long maxStoreSize, Set<String> insecureRegistries, SSLContext ssl,
            List<RegistryCredential> nodeCredentials) throws IOException {
        this.setup = setup(storeDir, maxStoreSize, insecureRegistries, ssl, nodeCredentials);
    }

    private static Setup setup(Path storeDir, long maxStoreSize, Set<String> insecureRegistries, SSLContext ssl,
            List<RegistryCredential> nodeCredentials) throws IOException {
        var registry = new RegistryClient(insecureRegistries, ssl);
        var store = new ModuleStore(storeDir, maxStoreSize);
        LOG.info("Image service ready (store {}, insecure registries {}, node credentials for {})", storeDir,
                insecureRegistries, nodeCredentials.stream().map(RegistryCredential::registry).toList());
        return new Setup(new ModulePuller(registry, store), new ModulePusher(registry), List.copyOf(nodeCredentials));
    }

    @Override
    public PulledModule pull(String image, PullPolicy policy, List<RegistryCredential> credentials)
            throws PullException {
        ImageReference ref = parse(image);
        Optional<RegistryCredential> credential = credentialFor(ref, credentials);
        String key = ref + " " + policy + " " + credential.map(RegistryCredential::username).orElse("");
        SharedPull pull;
        synchronized (inFlight) {
            pull = inFlight.get(key);
            if (pull == null) {
                pull = start(key, ref, policy, credential);
            }
            pull.waiters++;
        }
        try {
            return pull.result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PullException(Kind.CANCELLED, "the pull of " + ref + " was cancelled", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof PullException pe) {
                throw pe;
            }
            throw new PullException(Kind.NETWORK, String.valueOf(e.getCause()), e.getCause());
        } finally {
            leave(key, pull);
        }
    }

    /** Starts the download for the first caller; called with {@link #inFlight} held. */
    private SharedPull start(String key, ImageReference ref, PullPolicy policy, Optional<RegistryCredential> credential) {
        SharedPull pull = new SharedPull();
        inFlight.put(key, pull);
        try {
            pull.download = downloads.submit(() -> {
                try {
                    pull.result.complete(setup.puller().pull(ref, policy, credential));
                } catch (PullException | RuntimeException e) {
                    pull.result.completeExceptionally(e);
                } finally {
                    synchronized (inFlight) {
                        inFlight.remove(key, pull);
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            inFlight.remove(key, pull);
            pull.result.completeExceptionally(new PullException(Kind.CANCELLED, "the image service is stopping"));
        }
        return pull;
    }

    /** The last caller to give up on an unfinished download stops it (its thread is interrupted). */
    private void leave(String key, SharedPull pull) {
        synchronized (inFlight) {
            if (--pull.waiters == 0 && !pull.result.isDone()) {
                inFlight.remove(key, pull);
                pull.download.cancel(true);
            }
        }
    }

    /** Stops the downloads under way; their callers get a failed pull. */
    @Deactivate
    public void close() {
        downloads.shutdownNow();
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
        String digest = setup.pusher().push(module, wasm.getFileName().toString(), ref, credentialFor(ref, credentials));
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
        all.addAll(setup.nodeCredentials());
        return all.stream().filter(c -> DockerConfig.registryOf(c.registry()).equals(ref.registry())).findFirst();
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
