package io.krustlet.wasm.wasi;

import java.util.List;

/**
 * A path resolved inside the sandbox: the directory that holds its last component, opened
 * through file descriptors all the way from the call's directory, and that component's name
 * ({@code "."} for the directory itself). Closing it closes the directories opened on the way.
 *
 * @param dir the directory holding {@code name}
 * @param name one path component, never a symlink on the way unless it is the last one
 * @param trailingSlash whether the path ended in {@code /} (then it must name a directory)
 */
record Resolved(Dir dir, String name, boolean trailingSlash, List<Dir> opened) implements AutoCloseable {

    @Override
    public void close() {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }
}
