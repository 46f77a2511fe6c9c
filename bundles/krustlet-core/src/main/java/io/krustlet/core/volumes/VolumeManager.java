package io.krustlet.core.volumes;

import io.fabric8.kubernetes.api.model.Quantity;
import io.krustlet.api.Mount;
import io.krustlet.core.pod.LaunchException;
import io.krustlet.core.pod.ApiObjects;
import io.krustlet.core.pod.ContainerDefinition;
import io.krustlet.core.pod.DownwardApiValues;
import io.krustlet.core.pod.NodeInfo;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.PodTranslator;
import io.krustlet.core.pod.VolumeDefinition;
import io.krustlet.core.pod.VolumeSource;
import io.krustlet.core.status.Reasons;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provides pod volumes as host directories, laid out like the kubelet's
 * ({@code <dataDir>/pods/<uid>/volumes/<plugin>/<name>}), and turns volume mounts into
 * directories for the provider to preopen.
 *
 * <p>All of a pod's volumes are set up before any of its containers starts, as the kubelet
 * mounts them all first. configMap, secret, downwardAPI and projected volumes are written with an
 * {@link AtomicWriter}; once a volume has been set up, a later container start updates it on a
 * best-effort basis (a failure then keeps the previous content, as a mounted volume stays mounted).
 * Service account tokens in projected volumes are renewed in the background until {@link #release}.
 *
 * <p>{@link #refresh} writes a running pod's configMap, secret, downwardAPI and projected volumes
 * again from their sources, as the kubelet does at every pod sync: a changed ConfigMap shows in
 * the mounted files (the {@code ..data} swap) without a restart; a deleted optional source empties
 * its files; a deleted required one keeps the last content and is reported as a FailedMount Event.
 * {@code subPath} mounts of these volumes are copies made when the container starts
 * ({@code <pod>/volume-subpaths/<volume>/<container>/<index>}, as the kubelet bind-mounts them):
 * they do not change while it runs.
 */
public final class VolumeManager {

    private static final Logger LOG = LoggerFactory.getLogger(VolumeManager.class);

    /** Where subPath copies live in the pod's directory, as the kubelet names its subPath bind mounts. */
    static final String SUBPATHS = "volume-subpaths";
    /** How soon a failed token renewal is tried again (the kubelet's pod sync comes about once a minute). */
    static final Duration REFRESH_RETRY = Duration.ofMinutes(1);

    private final Path podsDir;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final ServiceAccountTokens tokens;
    private final ConfigMapVolume configMaps;
    private final SecretVolume secrets;
    private final DownwardApiVolume downwardApi;
    private final ProjectedVolume projected;
    private final ConcurrentMap<String, PodVolumes> pods = new ConcurrentHashMap<>();
    private final ApiObjects api;
    private final io.krustlet.core.lifecycle.PodEvents events;

    /** What is known of one pod's volumes; guarded by its own monitor. */
    private static final class PodVolumes {
        final Set<String> ready = new HashSet<>();
        final Map<String, ScheduledFuture<?>> refreshes = new HashMap<>();
        boolean released;
    }

    /**
     * @param podsDir {@code <dataDir>/pods}
     * @param api where ConfigMaps, Secrets and tokens come from
     * @param node for downward API values
     * @param scheduler runs token renewals; owned by the caller
     * @param clock for token lifetimes and the names of written versions
     */
    public VolumeManager(Path podsDir, ApiObjects api, NodeInfo node, ScheduledExecutorService scheduler,
            Clock clock) {
        this(podsDir, api, node, scheduler, clock, io.krustlet.core.lifecycle.PodEvents.NONE);
    }

    /** @param events where a refresh that fails is reported (FailedMount) */
    public VolumeManager(Path podsDir, ApiObjects api, NodeInfo node, ScheduledExecutorService scheduler,
            Clock clock, io.krustlet.core.lifecycle.PodEvents events) {
        this.api = api;
        this.events = events;
        this.podsDir = podsDir;
        this.scheduler = scheduler;
        this.clock = clock;
        this.tokens = new ServiceAccountTokens(api, clock);
        this.configMaps = new ConfigMapVolume(api);
        this.secrets = new SecretVolume(api);
        this.downwardApi = new DownwardApiVolume(new DownwardApiValues(node));
        this.projected = new ProjectedVolume(configMaps, secrets, downwardApi, tokens);
    }

    /**
     * Sets up the pod's volumes (all of them, as the kubelet does before starting containers) and
     * returns the container's mounts.
     *
     * @throws LaunchException a volume cannot be set up (reason {@link Reasons#CONTAINER_CREATING}: it
     *     never gets past creation, as the kubelet's; Event reason {@link Reasons#FAILED_MOUNT}) or a mount
     *     cannot be made ({@link Reasons#CREATE_CONTAINER_CONFIG_ERROR})
     */
    public List<Mount> mounts(PodDefinition pod, ContainerDefinition container) throws LaunchException {
        Path podDir = podDir(pod);
        PodVolumes state = pods.computeIfAbsent(pod.uid(), uid -> new PodVolumes());
        synchronized (state) {
            for (VolumeDefinition volume : pod.volumes()) {
                setUp(pod, state, volume, podDir);
            }
        }
        List<Mount> mounts = new ArrayList<>();
        for (ContainerDefinition.VolumeMount m : container.mounts()) {
            VolumeDefinition volume = pod.volume(m.name())
                    .orElseThrow(() -> new LaunchException(Reasons.CREATE_CONTAINER_CONFIG_ERROR,
                            "volume \"" + m.name() + "\" not found"));
            Path dir = hostDir(podDir, volume);
            boolean writtenByNode = isWrittenByNode(volume.source());
            if (m.subPath() != null) {
                dir = dir.resolve(m.subPath()).normalize();
                if (writtenByNode) {
                    if (!Files.isDirectory(dir)) {
                        throw new LaunchException(Reasons.CREATE_CONTAINER_CONFIG_ERROR,
                                "subPath \"" + m.subPath() + "\" of volume \""
                                + volume.name() + "\" is not a directory; this node mounts directories only");
                    }
                    dir = subPathCopy(podDir, volume, container, mounts.size(), dir);
                } else {
                    createDirectories(dir, volume);
                }
            }
            // the node owns the content of these volumes: the module only reads them, as in Kubernetes
            mounts.add(new Mount(m.mountPath(), dir, m.readOnly() || writtenByNode));
        }
        return mounts;
    }

    /**
     * Whether an emptyDir holds more than its {@code sizeLimit}.
     *
     * @return the kubelet's eviction message for the first such volume (with its trailing space), or empty
     */
    public Optional<String> sizeLimitExceeded(PodDefinition pod) {
        for (VolumeDefinition volume : pod.volumes()) {
            if (!(volume.source() instanceof VolumeSource.EmptyDir emptyDir) || emptyDir.sizeLimit() == null) {
                continue;
            }
            BigDecimal limit = Quantity.getAmountInBytes(Quantity.parse(emptyDir.sizeLimit()));
            if (limit.signum() <= 0) {
                continue;
            }
            try {
                long used = DiskUsage.of(hostDir(podDir(pod), volume));
                if (BigDecimal.valueOf(used).compareTo(limit) > 0) {
                    return Optional.of("Usage of EmptyDir volume \"" + volume.name() + "\" exceeds the limit \""
                            + emptyDir.sizeLimit() + "\". ");
                }
            } catch (IOException | LaunchException e) {
                LOG.warn("Cannot measure volume {} of pod {}: {}", volume.name(), pod.key(), e.toString());
            }
        }
        return Optional.empty();
    }

    /**
     * The pod is gone: stops renewing its tokens and deletes its volume directories under the data
     * dir. A hostPath's content is never touched (it is not under the data dir, and symbolic links
     * are removed, not followed). Call it once the pod's containers have stopped.
     */
    public void release(PodDefinition pod) {
        PodVolumes state = pods.remove(pod.uid());
        if (state != null) {
            synchronized (state) {
                state.released = true;
                state.refreshes.values().forEach(f -> f.cancel(false));
                state.refreshes.clear();
            }
        }
        tokens.forget(pod.uid());
        try {
            Path podDir = podDir(pod);
            AtomicWriter.deleteTree(podDir.resolve("volumes"));
            AtomicWriter.deleteTree(podDir.resolve(SUBPATHS));
            Files.deleteIfExists(podDir);
        } catch (DirectoryNotEmptyException e) {
            // something else of the pod's lives there; it is not ours to delete
        } catch (IOException | LaunchException e) {
            LOG.warn("Cannot delete the volumes of pod {}: {}", pod.key(), e.toString());
        }
    }

    // ---- refresh ----

    /**
     * Writes the pod's configMap, secret, downwardAPI and projected volumes again from their
     * sources (the kubelet's periodic remount): only volumes set up before, only where the content
     * changed. downwardAPI files follow the pod's labels and annotations as the API server has
     * them now. A source that cannot be read keeps the volume as it was: logged, and a FailedMount
     * Event with the kubelet's wording. Blocks on the API server; call it from a background thread.
     */
    public void refresh(PodDefinition pod) {
        PodVolumes state = pods.get(pod.uid());
        if (state == null) {
            return;
        }
        PodDefinition current = withCurrentMetadata(pod);
        synchronized (state) {
            if (state.released) {
                return;
            }
            for (VolumeDefinition volume : pod.volumes()) {
                if (!isWrittenByNode(volume.source()) || !state.ready.contains(volume.name())) {
                    continue;
                }
                try {
                    Path dir = hostDir(podDir(pod), volume);
                    Map<String, FileProjection> payload = payload(current, volume.source());
                    if (new AtomicWriter(dir, clock).write(payload)) {
                        LOG.info("Volume {} of pod {} changed: updated ({} files)", volume.name(), pod.key(),
                                payload.size());
                    }
                } catch (VolumeSetupException | IOException | LaunchException e) {
                    String message = "MountVolume.SetUp failed for volume \"" + volume.name() + "\" : "
                            + e.getMessage();
                    LOG.warn("Cannot refresh volume {} of pod {}, keeping its content: {}", volume.name(), pod.key(),
                            e.getMessage());
                    events.warning(pod, null, Reasons.FAILED_MOUNT, message);
                }
            }
        }
    }

    private PodDefinition withCurrentMetadata(PodDefinition pod) {
        boolean usesMetadata = pod.volumes().stream().anyMatch(v -> v.source() instanceof VolumeSource.DownwardApi
                || v.source() instanceof VolumeSource.Projected);
        if (!usesMetadata || pod.isStatic()) {
            return pod; // a static pod's metadata is its manifest's: a change makes a new pod
        }
        try {
            return api.pod(pod.namespace(), pod.name())
                    .filter(p -> p.getMetadata() != null && pod.uid().equals(p.getMetadata().getUid()))
                    .map(p -> pod.withMetadata(p.getMetadata().getLabels(), p.getMetadata().getAnnotations()))
                    .orElse(pod);
        } catch (RuntimeException e) {
            return pod;
        }
    }

    /**
     * A copy of a subPath of a volume the node writes, for one container: what it sees does not
     * change while it runs (the kubelet bind-mounts the subPath once, when the container starts).
     */
    private Path subPathCopy(Path podDir, VolumeDefinition volume, ContainerDefinition container, int index,
            Path source) throws LaunchException {
        Path copy = podDir.resolve(SUBPATHS).resolve(volume.name()).resolve(container.name())
                .resolve(Integer.toString(index));
        try {
            AtomicWriter.deleteTree(copy);
            Path from = source.toRealPath();
            try (var paths = Files.walk(from)) {
                for (Path path : (Iterable<Path>) paths::iterator) {
                    Path to = copy.resolve(from.relativize(path).toString());
                    if (Files.isDirectory(path)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(path, to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
            }
            return copy;
        } catch (IOException e) {
            throw new LaunchException(Reasons.CREATE_CONTAINER_CONFIG_ERROR,
                    "cannot prepare subPath of volume \"" + volume.name() + "\" for"
                    + " container " + container.name() + ": " + e);
        }
    }

    // ---- set-up ----

    private void setUp(PodDefinition pod, PodVolumes state, VolumeDefinition volume, Path podDir)
            throws LaunchException {
        VolumeSource source = volume.source();
        if (source instanceof VolumeSource.Unsupported unsupported) {
            throw new LaunchException(Reasons.CONTAINER_CREATING, PodTranslator.unsupportedVolumeMessage(volume.name(),
                    unsupported.type()), Reasons.FAILED_MOUNT);
        }
        if (source instanceof VolumeSource.HostPath hostPath) {
            if (!Files.isDirectory(Path.of(hostPath.path()))) {
                throw mountFailed(volume, "hostPath " + hostPath.path() + " is not a directory on this node");
            }
            return;
        }
        Path dir = hostDir(podDir, volume);
        if (source instanceof VolumeSource.EmptyDir) {
            createDirectories(dir, volume);
            return;
        }
        boolean first = !state.ready.contains(volume.name());
        try {
            write(pod, volume, dir);
            state.ready.add(volume.name());
        } catch (VolumeSetupException e) {
            if (first) {
                throw mountFailed(volume, e.getMessage());
            }
            LOG.warn("Cannot update volume {} of pod {}, keeping its previous content: {}", volume.name(),
                    pod.key(), e.getMessage());
        }
        if (source instanceof VolumeSource.Projected p && p.hasServiceAccountToken()) {
            scheduleRefresh(pod, state, volume, dir);
        }
    }

    private void write(PodDefinition pod, VolumeDefinition volume, Path dir) throws VolumeSetupException {
        Map<String, FileProjection> payload = payload(pod, volume.source());
        try {
            if (new AtomicWriter(dir, clock).write(payload)) {
                LOG.debug("Wrote volume {} of pod {} ({} files)", volume.name(), pod.key(), payload.size());
            }
        } catch (IOException e) {
            throw new VolumeSetupException("cannot write " + dir + ": " + e, e);
        }
    }

    private Map<String, FileProjection> payload(PodDefinition pod, VolumeSource source) throws VolumeSetupException {
        if (source instanceof VolumeSource.ConfigMap configMap) {
            return configMaps.payload(pod.namespace(), configMap);
        }
        if (source instanceof VolumeSource.Secret secret) {
            return secrets.payload(pod.namespace(), secret);
        }
        if (source instanceof VolumeSource.DownwardApi items) {
            return downwardApi.payload(pod, items);
        }
        return projected.payload(pod, (VolumeSource.Projected) source);
    }

    // ---- token renewal ----

    /** Rewrites the volume when its first token is due for renewal. Called with the pod's monitor held. */
    private void scheduleRefresh(PodDefinition pod, PodVolumes state, VolumeDefinition volume, Path dir) {
        if (state.released) {
            return;
        }
        var projections = ((VolumeSource.Projected) volume.source()).sources().stream()
                .filter(VolumeSource.ServiceAccountTokenProjection.class::isInstance)
                .map(VolumeSource.ServiceAccountTokenProjection.class::cast).toList();
        Instant now = clock.instant();
        Instant next = tokens.nextRefresh(pod, projections);
        // a token still due after a write means its renewal failed: try again later, not in a loop
        Duration delay = next == null || !next.isAfter(now) ? REFRESH_RETRY : Duration.between(now, next);
        ScheduledFuture<?> previous = state.refreshes.put(volume.name(), scheduler.schedule(
                () -> refresh(pod, state, volume, dir), delay.toMillis(), TimeUnit.MILLISECONDS));
        if (previous != null) {
            previous.cancel(false);
        }
    }

    private void refresh(PodDefinition pod, PodVolumes state, VolumeDefinition volume, Path dir) {
        synchronized (state) {
            if (state.released) {
                return;
            }
            try {
                write(pod, volume, dir);
                LOG.info("Renewed the service account token(s) of volume {} of pod {}", volume.name(), pod.key());
            } catch (VolumeSetupException | RuntimeException e) {
                LOG.warn("Cannot renew the service account token(s) of volume {} of pod {}: {}", volume.name(),
                        pod.key(), e.getMessage());
            }
            scheduleRefresh(pod, state, volume, dir);
        }
    }

    // ---- layout ----

    private Path podDir(PodDefinition pod) throws LaunchException {
        String uid = pod.uid();
        // the uid names a directory that release() deletes: it must stay one plain name under podsDir
        if (uid == null || uid.isEmpty() || uid.contains("/") || uid.contains("\\") || uid.equals(".")
                || uid.equals("..")) {
            throw new LaunchException(Reasons.CREATE_CONTAINER_CONFIG_ERROR,
                    "pod uid \"" + uid + "\" cannot name a directory");
        }
        return podsDir.resolve(uid);
    }

    private static Path hostDir(Path podDir, VolumeDefinition volume) {
        if (volume.source() instanceof VolumeSource.HostPath hostPath) {
            return Path.of(hostPath.path());
        }
        return podDir.resolve("volumes").resolve(pluginDir(volume.source())).resolve(volume.name());
    }

    /** The kubelet's plugin directory names, so the layout reads the same as on any node. */
    private static String pluginDir(VolumeSource source) {
        return "kubernetes.io~" + switch (source.type()) {
            case "emptyDir" -> "empty-dir";
            case "configMap" -> "configmap";
            case "secret" -> "secret";
            case "downwardAPI" -> "downward-api";
            case "projected" -> "projected";
            default -> source.type();
        };
    }

    private static boolean isWrittenByNode(VolumeSource source) {
        return source instanceof VolumeSource.ConfigMap || source instanceof VolumeSource.Secret
                || source instanceof VolumeSource.DownwardApi || source instanceof VolumeSource.Projected;
    }

    private static LaunchException mountFailed(VolumeDefinition volume, String cause) {
        return new LaunchException(Reasons.CONTAINER_CREATING,
                "MountVolume.SetUp failed for volume \"" + volume.name() + "\" : "
                + cause, Reasons.FAILED_MOUNT);
    }

    private static void createDirectories(Path dir, VolumeDefinition volume) throws LaunchException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw mountFailed(volume, "cannot create " + dir + ": " + e);
        }
    }
}
