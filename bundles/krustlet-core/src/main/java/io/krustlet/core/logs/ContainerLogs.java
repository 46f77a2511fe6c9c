package io.krustlet.core.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where container logs live: {@code <dataDir>/logs/<namespace>_<pod>_<uid>/<container>/<restart>.log},
 * the kubelet's layout, so a node restart finds them again.
 */
public final class ContainerLogs {

    private final Path root;
    /** Rotation limits, read when a container run's log is opened. */
    private record Rotation(long maxFileBytes, int maxFiles) {
    }

    private volatile Rotation rotation;

    public ContainerLogs(Path root, long maxFileBytes, int maxFiles) {
        this.root = root;
        rotate(maxFileBytes, maxFiles);
    }

    /**
     * New rotation limits (containerLogMaxSize, containerLogMaxFiles), for the container runs
     * started from now on; a run's open log keeps the limits it was opened with. Any thread.
     */
    public void rotate(long maxFileBytes, int maxFiles) {
        rotation = new Rotation(maxFileBytes, Math.max(1, maxFiles));
    }

    public Path root() {
        return root;
    }

    /**
     * Deletes a pod's logs once the pod is gone for good (deleted, or replaced by an edited
     * static pod), as the kubelet does; a failure only leaves files behind.
     */
    public void removePod(String namespace, String pod, String uid) {
        Path dir = root.resolve(namespace + "_" + pod + "_" + uid);
        if (!dir.normalize().startsWith(root.normalize()) || !java.nio.file.Files.isDirectory(dir)) {
            return;
        }
        try (var files = java.nio.file.Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    java.nio.file.Files.deleteIfExists(p);
                } catch (java.io.IOException e) {
                    // best effort; the next removal or an operator cleans up
                }
            });
        } catch (java.io.IOException e) {
            // best effort
        }
    }

    public Path containerDir(String namespace, String pod, String uid, String container) {
        return root.resolve(namespace + "_" + pod + "_" + uid).resolve(container);
    }

    public Path file(String namespace, String pod, String uid, String container, int attempt) {
        return containerDir(namespace, pod, uid, container).resolve(attempt + ".log");
    }

    /** Opens the log of one container run for appending. */
    public CriLogFile open(String namespace, String pod, String uid, String container, int attempt)
            throws IOException {
        Path file = file(namespace, pod, uid, container, attempt);
        Files.createDirectories(file.getParent());
        pruneOlderRuns(file.getParent(), attempt);
        Rotation limits = rotation;
        return new CriLogFile(file, limits.maxFileBytes(), limits.maxFiles());
    }

    /**
     * Keeps the logs of this run and the one before it (what {@code logs --previous} shows), as the
     * kubelet keeps one dead container per pod container: a crash loop must not fill the disk.
     */
    private static void pruneOlderRuns(Path dir, int attempt) {
        try (var files = Files.list(dir)) {
            files.filter(f -> runOf(f.getFileName().toString()) < attempt - 1).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // best effort: the next start tries again
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }

    /** {@code 7.log} and {@code 7.log.2} are run 7; anything else is not ours (MAX_VALUE). */
    private static int runOf(String name) {
        int dot = name.indexOf(".log");
        try {
            return dot > 0 ? Integer.parseInt(name.substring(0, dot)) : Integer.MAX_VALUE;
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }

    /** The log of run {@code attempt}, when there is one. */
    public Optional<Path> existing(String namespace, String pod, String uid, String container, int attempt) {
        if (attempt < 0) {
            return Optional.empty();
        }
        Path file = file(namespace, pod, uid, container, attempt);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }
}
