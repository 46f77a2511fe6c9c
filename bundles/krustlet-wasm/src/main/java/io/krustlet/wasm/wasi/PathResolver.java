package io.krustlet.wasm.wasi;

import java.io.IOException;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a module's path beneath a directory descriptor, one component at a time, the way
 * wasmtime does with cap-std ({@code cap-primitives}' manual open, the semantics of Linux'
 * {@code openat2(RESOLVE_BENEATH)}):
 * <ul>
 *   <li>every component is looked up through the directory opened for the previous one, never
 *       by a host path, and opened with {@code O_NOFOLLOW}: a symlink swapped in between the
 *       look-up and the open fails the call instead of being followed on the host;</li>
 *   <li>a symlink is read and its target resolved the same way, relative to the directory that
 *       holds it; an absolute target, or {@code ..} above the starting directory, is an escape
 *       attempt and fails with {@link Errno#PERM}, as in wasmtime;</li>
 *   <li>at most {@value #MAX_SYMLINK_EXPANSIONS} symlinks are followed (Linux' and cap-std's
 *       limit), then {@link Errno#LOOP};</li>
 *   <li>an absolute path is refused with {@link Errno#PERM} (wasi-libc never passes one).</li>
 * </ul>
 */
final class PathResolver {

    /** Linux' {@code MAXSYMLINKS}, also cap-std's limit. */
    static final int MAX_SYMLINK_EXPANSIONS = 40;

    private PathResolver() {
    }

    /**
     * @param base the directory the path is relative to (not closed by the result)
     * @param followFinal whether a symlink in the last component is followed too
     */
    static Resolved resolve(Dir base, String path, boolean followFinal) throws WasiError {
        if (path.isEmpty()) {
            throw WasiError.of(Errno.NOENT);
        }
        if (path.startsWith("/")) {
            throw WasiError.of(Errno.PERM);
        }
        Deque<String> work = new ArrayDeque<>(split(path));
        boolean trailing = path.endsWith("/");
        List<Dir> opened = new ArrayList<>();
        Dir current = base;
        int expansions = 0;
        try {
            if (work.isEmpty()) {
                return new Resolved(current, ".", true, opened);
            }
            while (true) {
                String name = work.pollFirst();
                boolean last = work.isEmpty();
                if (name.equals(".")) {
                    if (last) {
                        return new Resolved(current, ".", true, opened);
                    }
                    continue;
                }
                if (name.equals("..")) {
                    if (opened.isEmpty()) {
                        throw WasiError.of(Errno.PERM);
                    }
                    opened.remove(opened.size() - 1).close();
                    current = opened.isEmpty() ? base : opened.get(opened.size() - 1);
                    if (last) {
                        return new Resolved(current, ".", true, opened);
                    }
                    continue;
                }
                if (last && !followFinal && !trailing) {
                    return new Resolved(current, name, false, opened);
                }
                BasicFileAttributes attrs = current.stat(name);
                if (attrs == null) {
                    if (last) {
                        return new Resolved(current, name, trailing, opened);
                    }
                    throw WasiError.of(Errno.NOENT);
                }
                if (attrs.isSymbolicLink()) {
                    if (++expansions > MAX_SYMLINK_EXPANSIONS) {
                        throw WasiError.of(Errno.LOOP);
                    }
                    String target = current.readlink(name);
                    if (target.startsWith("/")) {
                        throw WasiError.of(Errno.PERM);
                    }
                    List<String> parts = split(target);
                    if (last && (target.endsWith("/") || parts.isEmpty())) {
                        trailing = true;
                    }
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        work.addFirst(parts.get(i));
                    }
                    if (work.isEmpty()) {
                        work.add(".");
                    }
                    continue;
                }
                if (last) {
                    return new Resolved(current, name, trailing, opened);
                }
                if (!attrs.isDirectory()) {
                    throw WasiError.of(Errno.NOTDIR);
                }
                Dir child = current.child(name);
                opened.add(child);
                current = child;
            }
        } catch (IOException e) {
            closeAll(opened);
            throw WasiError.of(Errno.of(e));
        } catch (WasiError | RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static void closeAll(List<Dir> opened) {
        for (Dir dir : opened) {
            dir.close();
        }
    }

    /** The components of a path, without empty ones (from {@code //} or a trailing {@code /}). */
    static List<String> split(String path) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= path.length(); i++) {
            if (i == path.length() || path.charAt(i) == '/') {
                if (i > start) {
                    parts.add(path.substring(start, i));
                }
                start = i + 1;
            }
        }
        return parts;
    }
}
