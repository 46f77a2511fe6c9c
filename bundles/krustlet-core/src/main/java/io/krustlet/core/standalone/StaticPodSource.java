package io.krustlet.core.standalone;

import io.fabric8.kubernetes.api.model.Pod;
import io.krustlet.core.pod.InvalidPodException;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.PodTranslator;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static pods from a folder of manifests, like the kubelet's {@code --pod-manifest-path}:
 * the folder is watched for changes and rescanned periodically; every scan hands the full set
 * of pods to the sink.
 *
 * <p>A pod's name gets the node name appended and its uid is a hash of the manifest, so an
 * edited manifest is a new pod that replaces the old one. A file that cannot be read keeps the
 * pods of its last good version, so a half-saved edit never kills a running pod.
 */
public final class StaticPodSource implements Closeable {

    public static final String SOURCE = "file";
    public static final String CONFIG_SOURCE_ANNOTATION = "kubernetes.io/config.source";
    public static final String CONFIG_HASH_ANNOTATION = "kubernetes.io/config.hash";

    private static final Logger LOG = LoggerFactory.getLogger(StaticPodSource.class);
    private static final Duration SETTLE = Duration.ofMillis(20);

    private record FileVersion(long size, long modified) {
    }

    private record FileResult(FileVersion version, List<PodDefinition> pods, String error) {
    }

    private final Path dir;
    private final String nodeName;
    private final PodTranslator translator;
    private final ManifestParser parser = new ManifestParser();
    private final Consumer<List<PodDefinition>> sink;
    private final Duration rescan;
    private final Map<Path, FileResult> files = new HashMap<>();
    /** The manifests behind the current pods, by uid: what a mirror pod is made of. */
    private final Map<String, Pod> manifests = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean running;
    private WatchService watcher;
    private Thread thread;

    public StaticPodSource(Path dir, String nodeName, Consumer<List<PodDefinition>> sink, Duration rescan) {
        this.dir = dir;
        this.nodeName = nodeName;
        this.translator = new PodTranslator(nodeName);
        this.sink = sink;
        this.rescan = rescan;
    }

    public synchronized void start() throws IOException {
        Files.createDirectories(dir);
        watcher = dir.getFileSystem().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
        running = true;
        thread = new Thread(this::run, "krustlet-static-pods");
        thread.setDaemon(true);
        thread.start();
        LOG.info("Watching {} for static pod manifests", dir);
    }

    @Override
    public synchronized void close() {
        running = false;
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.debug("Closing the manifest watcher", e);
            }
        }
        if (thread != null && thread != Thread.currentThread()) {
            thread.interrupt();
            try {
                // a scan in progress must not hand pods to a kubelet that is stopping them
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        while (running) {
            try {
                scan();
                var key = watcher.poll(rescan.toMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    // Editors write in several steps; let them settle into one scan.
                    do {
                        key.pollEvents();
                        key.reset();
                        key = watcher.poll(SETTLE.toMillis(), TimeUnit.MILLISECONDS);
                    } while (key != null);
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("Scanning static pod manifests in {} failed", dir, e);
            }
        }
    }

    /** Reads the folder once and hands every pod found to the sink. */
    public void scan() {
        List<Path> present = listManifests();
        Set<Path> seen = new HashSet<>(present);
        files.keySet().removeIf(p -> !seen.contains(p));
        Map<String, PodDefinition> pods = new LinkedHashMap<>();
        for (Path file : present) {
            FileResult result = read(file);
            for (PodDefinition pod : result.pods()) {
                PodDefinition clash = pods.putIfAbsent(pod.key(), pod);
                if (clash != null && clash != pod) {
                    LOG.error("Static pod {} in {} is already defined by another manifest; ignoring this one",
                            pod.key(), file.getFileName());
                }
            }
        }
        Set<String> uids = new HashSet<>();
        pods.values().forEach(p -> uids.add(p.uid()));
        manifests.keySet().retainAll(uids);
        if (running || thread == null) {
            sink.accept(new ArrayList<>(pods.values()));
        }
    }

    private List<Path> listManifests() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(Files::isRegularFile).filter(StaticPodSource::isManifestName).sorted().toList();
        } catch (IOException e) {
            LOG.error("Cannot list static pod manifests in {}: {}", dir, e.toString());
            return List.copyOf(files.keySet());
        }
    }

    static boolean isManifestName(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
    }

    private FileResult read(Path file) {
        FileResult previous = files.get(file);
        FileVersion version;
        String content;
        try {
            version = new FileVersion(Files.size(file), Files.getLastModifiedTime(file).toMillis());
            if (previous != null && previous.version().equals(version)) {
                return previous;
            }
            content = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.error("Cannot read static pod manifest {}: {}", file, e.toString());
            return previous != null ? previous : new FileResult(null, List.of(), e.toString());
        }
        try {
            List<PodDefinition> pods = new ArrayList<>();
            for (Pod pod : parser.parse(file.getFileName().toString(), content)) {
                pods.add(toStaticPod(file, pod));
            }
            FileResult result = new FileResult(version, pods, null);
            files.put(file, result);
            return result;
        } catch (ManifestException | InvalidPodException e) {
            String message = e instanceof InvalidPodException ? file.getFileName() + ": " + e.getMessage() : e.getMessage();
            LOG.error("Invalid static pod manifest: {}{}", message, previous != null && !previous.pods().isEmpty()
                    ? " (keeping the pods of its previous version)" : "");
            List<PodDefinition> kept = previous == null ? List.of() : previous.pods();
            FileResult result = new FileResult(version, kept, message);
            files.put(file, result);
            return result;
        }
    }

    private PodDefinition toStaticPod(Path file, Pod pod) throws InvalidPodException {
        var meta = pod.getMetadata();
        if (meta == null || meta.getName() == null) {
            throw new InvalidPodException("metadata.name: Required value");
        }
        if (pod.getSpec() == null) {
            throw new InvalidPodException("spec: Required value");
        }
        String hash = hash(nodeName + "\n" + file.toAbsolutePath() + "\n" + io.fabric8.kubernetes.client.utils.Serialization.asJson(pod));
        meta.setName(meta.getName() + "-" + nodeName);
        if (meta.getNamespace() == null || meta.getNamespace().isEmpty()) {
            meta.setNamespace("default");
        }
        meta.setUid(hash);
        Map<String, String> annotations = new LinkedHashMap<>(meta.getAnnotations() == null ? Map.of() : meta.getAnnotations());
        annotations.put(CONFIG_SOURCE_ANNOTATION, SOURCE);
        annotations.put(CONFIG_HASH_ANNOTATION, hash);
        meta.setAnnotations(annotations);
        pod.getSpec().setNodeName(nodeName);
        PodDefinition definition = translator.translate(pod, SOURCE);
        manifests.put(hash, pod);
        return definition;
    }

    /** The manifest of a static pod (name, namespace, uid and node already set), as parsed. */
    public java.util.Optional<Pod> manifest(String uid) {
        Pod pod = manifests.get(uid);
        return pod == null ? java.util.Optional.empty()
                : java.util.Optional.of(new io.fabric8.kubernetes.api.model.PodBuilder(pod).build());
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
