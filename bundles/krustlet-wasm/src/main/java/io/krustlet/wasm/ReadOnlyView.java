package io.krustlet.wasm;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.AccessMode;
import java.nio.file.CopyOption;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardOpenOption;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.spi.FileSystemProvider;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Read-only views of the host directories behind one container's read-only mounts.
 *
 * <p>Why a file system provider: Chicory 1.7.5 has no read-only preopen (no rights, no flag on
 * {@code WasiOptions.Builder.withDirectory}); a preopen is just a {@link Path}. Every WASI path call
 * resolves the guest path with {@code preopen.getFileSystem().getPath(..)} and {@code preopen.resolve(..)}
 * and then works with static {@link Files} calls and {@code FileChannel.open}, which all dispatch to the
 * provider of the path. So when the preopened directory is a path of this provider, everything the module
 * does beneath the mount comes through here: the operations that would change something (opening for
 * write, create, truncate or append, mkdir, unlink, rmdir, rename, link, symlink, setting times or
 * attributes) are refused, everything else goes to the real path. The delegation below is the minimum
 * {@link FileSystem}, {@link FileSystemProvider} and {@link Path} demand.
 *
 * <p>The errno: Chicory turns any {@link IOException} it does not know into EIO (a refusal is an
 * {@link AccessDeniedException}; an unchecked {@code ReadOnlyFileSystemException} would trap the module),
 * so {@link #reportingRefusals} wraps the WASI host functions: a call that failed with EIO because this
 * view refused a write returns EROFS instead, which the module sees as "Read-only file system".
 *
 * <p>Symlinks: Chicory follows a symlink in the last name of a path itself, and uses what
 * {@link Files#readSymbolicLink} returns as the new path: a relative target (the kubelet's
 * {@code key -> ..data/key}) would be looked up in the JVM's working directory, an absolute one anywhere on
 * the node. Here a target is resolved against the link's directory, and every operation first checks that
 * what it reaches, with the symlinks the OS follows on the way, lies inside the mount. What lies outside
 * does not exist for the module (ENOENT), like the target of a dangling link.
 *
 * <p>One instance serves one container; its refusal flag is set and read on the container's thread.
 */
final class ReadOnlyView extends FileSystemProvider {

    private static final String READ_ONLY = "read-only file system";
    /** WASI preview 1 errno values (Chicory's WasiErrno is not public). */
    private static final long EIO = 29;
    private static final long EROFS = 69;
    private static final Set<OpenOption> WRITES = Set.of(StandardOpenOption.WRITE, StandardOpenOption.APPEND,
            StandardOpenOption.CREATE, StandardOpenOption.CREATE_NEW, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.DELETE_ON_CLOSE);

    /** Whether a write was refused during the current WASI call. */
    private boolean refused;

    /** The read-only view of a host directory, for {@code WasiOptions.Builder.withDirectory}. */
    Path of(Path hostDirectory) {
        Path root = hostDirectory.toAbsolutePath().normalize();
        Path realRoot;
        try {
            realRoot = root.toRealPath();
        } catch (IOException e) {
            realRoot = root; // a missing mount fails on use, as it would without the view
        }
        return new View(new MountFs(root.getFileSystem(), realRoot), root);
    }

    /** The WASI functions, reporting EROFS instead of EIO for a call that failed on a refused write. */
    HostFunction[] reportingRefusals(HostFunction[] functions) {
        HostFunction[] wrapped = new HostFunction[functions.length];
        for (int i = 0; i < functions.length; i++) {
            HostFunction function = functions[i];
            WasmFunctionHandle handle = function.handle();
            wrapped[i] = new HostFunction(function.module(), function.name(), function.functionType(),
                    (instance, args) -> {
                        refused = false;
                        long[] result = handle.apply(instance, args);
                        return refused && result != null && result.length == 1 && result[0] == EIO
                                ? new long[] {EROFS} : result;
                    });
        }
        return wrapped;
    }

    private IOException refuse(Path path) {
        refused = true;
        return new AccessDeniedException(path.toString(), null, READ_ONLY);
    }

    /**
     * The real path behind a view, once it is known to stay in its mount: the real location of the path
     * (following a symlink in its last name) or, when the operation does not follow that symlink, of its
     * directory. "." and ".." (Chicory lists them) are judged by their directory too.
     */
    private static Path real(Path path, boolean followLast) throws IOException {
        View view = view(path);
        Path real = view.real;
        Path name = real.getFileName();
        boolean dots = name != null && (name.toString().equals(".") || name.toString().equals(".."));
        Path checked = followLast && !dots || real.getParent() == null ? real : real.getParent();
        if (!checked.toRealPath().startsWith(view.mount.realRoot)) {
            throw new NoSuchFileException(real.toString(), null, "outside of the read-only mount");
        }
        return real;
    }

    private static boolean follows(LinkOption... options) {
        return !Arrays.asList(options).contains(LinkOption.NOFOLLOW_LINKS);
    }

    private static View view(Path path) {
        if (path instanceof View view) {
            return view;
        }
        throw new ProviderMismatchException(String.valueOf(path));
    }

    // ---- reads: to the real path

    @Override
    public FileChannel newFileChannel(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attrs)
            throws IOException {
        if (!Collections.disjoint(options, WRITES)) {
            throw refuse(path);
        }
        return FileChannel.open(real(path, !options.contains(LinkOption.NOFOLLOW_LINKS)), options, attrs);
    }

    @Override
    public SeekableByteChannel newByteChannel(Path path, Set<? extends OpenOption> options,
            FileAttribute<?>... attrs) throws IOException {
        return newFileChannel(path, options, attrs);
    }

    @Override
    public DirectoryStream<Path> newDirectoryStream(Path dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        MountFs mount = view(dir).mount;
        DirectoryStream<Path> entries = Files.newDirectoryStream(real(dir, true), p -> filter.accept(new View(mount, p)));
        return new DirectoryStream<>() {
            @Override
            public Iterator<Path> iterator() {
                Iterator<Path> real = entries.iterator();
                return new Iterator<>() {
                    public boolean hasNext() { return real.hasNext(); }
                    public Path next() { return new View(mount, real.next()); }
                };
            }

            @Override
            public void close() throws IOException {
                entries.close();
            }
        };
    }

    @Override
    public Path readSymbolicLink(Path link) throws IOException {
        Path real = real(link, false);
        Path target = Files.readSymbolicLink(real);
        Path dir = real.getParent() == null ? real : real.getParent().toRealPath();
        return new View(view(link).mount, dir.resolve(target).normalize());
    }

    @Override
    public <A extends BasicFileAttributes> A readAttributes(Path path, Class<A> type, LinkOption... options)
            throws IOException {
        return Files.readAttributes(real(path, follows(options)), type, options);
    }

    @Override
    public Map<String, Object> readAttributes(Path path, String attributes, LinkOption... options)
            throws IOException {
        return Files.readAttributes(real(path, follows(options)), attributes, options);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <V extends FileAttributeView> V getFileAttributeView(Path path, Class<V> type, LinkOption... options) {
        if (type != BasicFileAttributeView.class) {
            return null; // the other views exist to change attributes
        }
        return (V) new BasicFileAttributeView() {
            public String name() { return "basic"; }
            public BasicFileAttributes readAttributes() throws IOException {
                return ReadOnlyView.this.readAttributes(path, BasicFileAttributes.class, options);
            }
            public void setTimes(FileTime modified, FileTime access, FileTime create) throws IOException {
                throw refuse(path);
            }
        };
    }

    @Override
    public void checkAccess(Path path, AccessMode... modes) throws IOException {
        Path real = real(path, true);
        if (Arrays.asList(modes).contains(AccessMode.WRITE)) {
            throw refuse(path);
        }
        real.getFileSystem().provider().checkAccess(real, modes);
    }

    @Override
    public boolean isSameFile(Path path, Path other) throws IOException {
        return path.equals(other) || Files.isSameFile(real(path, true), real(other, true));
    }

    @Override
    public boolean isHidden(Path path) throws IOException {
        return Files.isHidden(real(path, false));
    }

    @Override
    public FileStore getFileStore(Path path) throws IOException {
        return Files.getFileStore(real(path, true));
    }

    // ---- writes: refused

    @Override
    public void createDirectory(Path dir, FileAttribute<?>... attrs) throws IOException {
        throw refuse(dir);
    }

    @Override
    public void createSymbolicLink(Path link, Path target, FileAttribute<?>... attrs) throws IOException {
        throw refuse(link);
    }

    @Override
    public void createLink(Path link, Path existing) throws IOException {
        throw refuse(link);
    }

    @Override
    public void delete(Path path) throws IOException {
        throw refuse(path);
    }

    @Override
    public void copy(Path source, Path target, CopyOption... options) throws IOException {
        throw refuse(target);
    }

    @Override
    public void move(Path source, Path target, CopyOption... options) throws IOException {
        throw refuse(source);
    }

    @Override
    public void setAttribute(Path path, String attribute, Object value, LinkOption... options) throws IOException {
        throw refuse(path);
    }

    // ---- no URIs: a view is reached through WasiInstance only

    @Override
    public String getScheme() {
        return "krustlet-readonly";
    }

    @Override
    public FileSystem newFileSystem(URI uri, Map<String, ?> env) {
        throw new UnsupportedOperationException();
    }

    @Override
    public FileSystem getFileSystem(URI uri) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Path getPath(URI uri) {
        throw new UnsupportedOperationException();
    }

    /** One read-only mount: the paths beneath it share it. */
    private final class MountFs extends FileSystem {
        private final FileSystem real;
        private final Path realRoot;

        MountFs(FileSystem real, Path realRoot) {
            this.real = real;
            this.realRoot = realRoot;
        }

        @Override public FileSystemProvider provider() { return ReadOnlyView.this; }
        @Override public void close() { }
        @Override public boolean isOpen() { return true; }
        @Override public boolean isReadOnly() { return true; }
        @Override public String getSeparator() { return real.getSeparator(); }
        @Override public Path getPath(String first, String... more) { return new View(this, real.getPath(first, more)); }
        @Override public Set<String> supportedFileAttributeViews() { return real.supportedFileAttributeViews(); }

        @Override
        public Iterable<Path> getRootDirectories() {
            return StreamSupport.stream(real.getRootDirectories().spliterator(), false)
                    .map(p -> (Path) new View(this, p)).collect(Collectors.toList());
        }

        @Override
        public Iterable<FileStore> getFileStores() {
            return List.of();
        }

        @Override
        public PathMatcher getPathMatcher(String syntaxAndPattern) {
            PathMatcher matcher = real.getPathMatcher(syntaxAndPattern);
            return p -> matcher.matches(view(p).real);
        }

        @Override
        public UserPrincipalLookupService getUserPrincipalLookupService() {
            throw new UnsupportedOperationException();
        }

        @Override
        public WatchService newWatchService() {
            throw new UnsupportedOperationException();
        }
    }

    /** A path of a read-only mount: the real path, answering to the mount's file system. */
    private static final class View implements Path {
        private final MountFs mount;
        private final Path real;

        View(MountFs mount, Path real) {
            this.mount = mount;
            this.real = real;
        }

        private Path wrap(Path path) {
            return path == null ? null : new View(mount, path);
        }

        private static Path real(Path other) {
            return view(other).real;
        }

        @Override public FileSystem getFileSystem() { return mount; }
        @Override public boolean isAbsolute() { return real.isAbsolute(); }
        @Override public Path getRoot() { return wrap(real.getRoot()); }
        @Override public Path getFileName() { return wrap(real.getFileName()); }
        @Override public Path getParent() { return wrap(real.getParent()); }
        @Override public int getNameCount() { return real.getNameCount(); }
        @Override public Path getName(int index) { return wrap(real.getName(index)); }
        @Override public Path subpath(int begin, int end) { return wrap(real.subpath(begin, end)); }
        @Override public boolean startsWith(Path other) { return other instanceof View v && real.startsWith(v.real); }
        @Override public boolean endsWith(Path other) { return other instanceof View v && real.endsWith(v.real); }
        @Override public Path normalize() { return wrap(real.normalize()); }
        @Override public Path resolve(Path other) { return wrap(real.resolve(real(other))); }
        @Override public Path relativize(Path other) { return wrap(real.relativize(real(other))); }
        @Override public Path toAbsolutePath() { return wrap(real.toAbsolutePath()); }
        @Override public int compareTo(Path other) { return real.compareTo(real(other)); }
        @Override public boolean equals(Object other) { return other instanceof View v && real.equals(v.real); }
        @Override public int hashCode() { return real.hashCode(); }
        @Override public String toString() { return real.toString(); }

        @Override
        public Path toRealPath(LinkOption... options) throws IOException {
            return wrap(ReadOnlyView.real(this, follows(options)).toRealPath(options));
        }

        @Override
        public URI toUri() {
            throw new UnsupportedOperationException("a read-only mount has no URI");
        }

        @Override
        public WatchKey register(WatchService watcher, WatchEvent.Kind<?>[] events, WatchEvent.Modifier... modifiers) {
            throw new UnsupportedOperationException();
        }
    }
}
