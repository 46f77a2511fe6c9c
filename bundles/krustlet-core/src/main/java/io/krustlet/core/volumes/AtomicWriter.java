package io.krustlet.core.volumes;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes a volume's files the way the kubelet's AtomicWriter does, so that a reader never sees a
 * half-written or half-updated volume:
 *
 * <pre>
 * target/..2026_01_01_00_00_00.123/key    the files, in a fresh timestamped directory
 * target/..data -> ..2026_01_01_00_00_00.123   swapped with one rename(2)
 * target/key -> ..data/key                    what the module opens
 * </pre>
 *
 * A new version is written next to the old one, {@code ..data} is switched over atomically, then
 * the old version is removed.
 */
final class AtomicWriter {

    static final String DATA_DIR = "..data";
    private static final String DATA_DIR_TMP = "..data_tmp";
    private static final DateTimeFormatter TIMESTAMP =
            DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss.").withZone(ZoneOffset.UTC);

    private final Path target;
    private final Clock clock;

    AtomicWriter(Path target, Clock clock) {
        this.target = target;
        this.clock = clock;
    }

    /**
     * Replaces the volume's content with {@code payload} (relative path -> file).
     *
     * @return whether anything changed (an identical payload is not written again)
     */
    boolean write(Map<String, FileProjection> payload) throws IOException {
        Map<String, FileProjection> files = validate(payload);
        Files.createDirectories(target);
        Path dataLink = target.resolve(DATA_DIR);
        Path oldVersion = Files.isSymbolicLink(dataLink) ? target.resolve(Files.readSymbolicLink(dataLink)) : null;
        Set<String> oldVisible = oldVersion == null ? Set.of() : topLevelNames(oldVersion);
        if (oldVersion != null && sameContent(oldVersion, files)) {
            return false;
        }
        Path newVersion = Files.createTempDirectory(target, TIMESTAMP.format(clock.instant()));
        setMode(newVersion, 0755);
        for (Map.Entry<String, FileProjection> e : files.entrySet()) {
            Path file = newVersion.resolve(e.getKey());
            createParents(newVersion, file.getParent());
            Files.write(file, e.getValue().data());
            // explicitly, so the umask does not change the mode asked for
            setMode(file, e.getValue().mode());
        }
        Path tmpLink = target.resolve(DATA_DIR_TMP);
        Files.deleteIfExists(tmpLink);
        Files.createSymbolicLink(tmpLink, newVersion.getFileName());
        try {
            Files.move(tmpLink, dataLink, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmpLink, dataLink, StandardCopyOption.REPLACE_EXISTING);
        }
        Set<String> visible = new HashSet<>();
        for (String path : files.keySet()) {
            visible.add(path.split("/", 2)[0]);
        }
        for (String name : visible) {
            Path link = target.resolve(name);
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of(DATA_DIR, name));
            }
        }
        for (String name : oldVisible) {
            if (!visible.contains(name)) {
                Files.deleteIfExists(target.resolve(name));
            }
        }
        if (oldVersion != null) {
            deleteTree(oldVersion);
        }
        return true;
    }

    /** Cleaned relative paths; the translator already refused absolute paths and '..'. */
    private static Map<String, FileProjection> validate(Map<String, FileProjection> payload) throws IOException {
        Map<String, FileProjection> result = new TreeMap<>();
        for (Map.Entry<String, FileProjection> e : payload.entrySet()) {
            Path path = Path.of(e.getKey()).normalize();
            String clean = path.toString();
            if (path.isAbsolute() || clean.isEmpty() || clean.startsWith("..")
                    || Arrays.asList(clean.split("/")).contains("..")) {
                throw new IOException("invalid path: " + e.getKey());
            }
            result.put(clean, e.getValue());
        }
        return result;
    }

    private static void createParents(Path root, Path dir) throws IOException {
        if (dir.equals(root) || Files.isDirectory(dir)) {
            return;
        }
        createParents(root, dir.getParent());
        Files.createDirectory(dir);
        setMode(dir, 0755);
    }

    private static boolean sameContent(Path version, Map<String, FileProjection> files) throws IOException {
        Map<String, Path> existing = new HashMap<>();
        try (Stream<Path> walk = Files.walk(version)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                existing.put(version.relativize(p).toString(), p);
            }
        } catch (NoSuchFileException e) {
            return false;
        }
        if (!existing.keySet().equals(files.keySet())) {
            return false;
        }
        try {
            for (Map.Entry<String, FileProjection> e : files.entrySet()) {
                if (!Arrays.equals(Files.readAllBytes(existing.get(e.getKey())), e.getValue().data())) {
                    return false;
                }
            }
        } catch (AccessDeniedException e) {
            // a mode without read permission for the node: write again rather than compare
            return false;
        }
        return true;
    }

    private static Set<String> topLevelNames(Path version) throws IOException {
        if (!Files.isDirectory(version)) {
            return Set.of();
        }
        try (Stream<Path> list = Files.list(version)) {
            return new HashSet<>(list.map(p -> p.getFileName().toString()).toList());
        }
    }

    /** Sets permission bits where the file system has POSIX permissions; elsewhere there is nothing to set. */
    static void setMode(Path path, int mode) throws IOException {
        try {
            Files.setPosixFilePermissions(path, permissions(mode));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> result = new HashSet<>();
        List<PosixFilePermission> order = List.of(
                PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ);
        for (int bit = 0; bit < order.size(); bit++) {
            if ((mode & (1 << bit)) != 0) {
                result.add(order.get(bit));
            }
        }
        return result;
    }

    /** Deletes a directory tree without following symbolic links: a link is removed, never what it points to. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
