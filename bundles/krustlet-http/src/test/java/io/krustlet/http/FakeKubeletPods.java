package io.krustlet.http;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodCondition;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import io.krustlet.core.status.PodStatus;
import io.krustlet.core.status.PodStatusListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * KubeletPods in memory, with CRI log files on disk in the core's layout
 * ({@code <dataDir>/logs/<ns>_<pod>_<uid>/<container>/<restart>.log}).
 */
final class FakeKubeletPods implements KubeletPods {

    private final String nodeName;
    private final Path logRoot;
    private final Map<String, PodSnapshot> pods = new ConcurrentHashMap<>();
    private final List<PodStatusListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, io.krustlet.api.ContainerUsage> usages = new ConcurrentHashMap<>();

    /** What a running container uses, as its provider would measure it. */
    void usage(String namespace, String pod, String container, io.krustlet.api.ContainerUsage usage) {
        usages.put(namespace + "/" + pod + "/" + container, usage);
    }

    @Override
    public Optional<io.krustlet.api.ContainerUsage> usage(String namespace, String pod, String container) {
        return Optional.ofNullable(usages.get(namespace + "/" + pod + "/" + container));
    }

    FakeKubeletPods(String nodeName, Path dataDir) {
        this.nodeName = nodeName;
        this.logRoot = dataDir.resolve("logs");
    }

    static ContainerStatus running(String name, int restarts, Instant startedAt) {
        return new ContainerStatus(name, "fs/" + name + ".wasm", "sha256:abc", new ContainerState.Running(startedAt),
                restarts == 0 ? null : new ContainerState.Terminated(1, "Error", null, startedAt, startedAt),
                restarts, true, true);
    }

    static ContainerStatus terminated(String name, int restarts, int exitCode) {
        Instant now = Instant.now();
        return new ContainerStatus(name, "fs/" + name + ".wasm", "sha256:abc",
                new ContainerState.Terminated(exitCode, exitCode == 0 ? "Completed" : "Error", null, now, now),
                null, restarts, false, false);
    }

    static ContainerStatus waiting(String name, String reason) {
        return new ContainerStatus(name, "fs/" + name + ".wasm", "", new ContainerState.Waiting(reason, null), null, 0,
                false, false);
    }

    /** Adds or updates a pod and tells the listeners, as the core does on every status change. */
    PodSnapshot put(String namespace, String name, PodPhase phase, ContainerStatus... containers) {
        String uid = pods.containsKey(namespace + "/" + name) ? pods.get(namespace + "/" + name).uid()
                : java.util.UUID.nameUUIDFromBytes((namespace + "/" + name).getBytes(StandardCharsets.UTF_8)).toString();
        Instant start = Instant.parse("2026-01-01T00:00:00Z");
        var status = new PodStatus(phase, null, null, start,
                List.of(new PodCondition(PodCondition.READY, phase == PodPhase.Running, null, start)), List.of(),
                List.of(containers));
        var snapshot = new PodSnapshot(namespace, name, uid, "file", "wasi", Map.of("a", "b"), status);
        pods.put(snapshot.key(), snapshot);
        listeners.forEach(l -> l.statusChanged(snapshot));
        return snapshot;
    }

    /** Adds or updates a pod with the status given, and tells the listeners. */
    PodSnapshot put(String namespace, String name, PodStatus status) {
        String uid = java.util.UUID.nameUUIDFromBytes((namespace + "/" + name).getBytes(StandardCharsets.UTF_8)).toString();
        var snapshot = new PodSnapshot(namespace, name, uid, "api", "wasi", Map.of(), status);
        pods.put(snapshot.key(), snapshot);
        listeners.forEach(l -> l.statusChanged(snapshot));
        return snapshot;
    }

    void remove(String namespace, String name) {
        PodSnapshot gone = pods.remove(namespace + "/" + name);
        if (gone != null) {
            listeners.forEach(l -> l.podRemoved(gone));
        }
    }

    Path logPath(String namespace, String pod, String container, int restart) {
        PodSnapshot snapshot = pods.get(namespace + "/" + pod);
        return logRoot.resolve(namespace + "_" + pod + "_" + snapshot.uid()).resolve(container).resolve(restart + ".log");
    }

    /** Appends CRI records to a run's log: {@code <time> stdout <F|P> <text>}. */
    static void append(Path file, Instant time, String tag, String text) throws IOException {
        Files.createDirectories(file.getParent());
        String record = DateTimeFormatter.ISO_INSTANT.format(time) + " stdout " + tag + " " + text + "\n";
        Files.writeString(file, record, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    int listenerCount() {
        return listeners.size();
    }

    @Override
    public String nodeName() {
        return nodeName;
    }

    @Override
    public List<PodSnapshot> pods() {
        return pods.values().stream().sorted(Comparator.comparing(PodSnapshot::key)).toList();
    }

    @Override
    public Optional<PodSnapshot> pod(String namespace, String name) {
        return Optional.ofNullable(pods.get(namespace + "/" + name));
    }

    @Override
    public Optional<Path> logFile(String namespace, String pod, String container, boolean previous) {
        return pod(namespace, pod).flatMap(p -> p.status().container(container)).flatMap(c -> {
            int run = previous ? c.restartCount() - 1 : c.restartCount();
            if (run < 0) {
                return Optional.empty();
            }
            Path file = logPath(namespace, pod, container, run);
            return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
        });
    }

    @Override
    public void addListener(PodStatusListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(PodStatusListener listener) {
        listeners.remove(listener);
    }
}
