package io.krustlet.core.modules;

import io.krustlet.api.ModuleRef;
import io.krustlet.core.pod.LaunchException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves Krustlet's {@code fs/<path>} images: a module on the node's disk, when the node
 * allows it. The digest is computed once per file version (path, size, modification time).
 */
public final class LocalModuleResolver {

    public static final String PREFIX = "fs/";

    private record FileVersion(Path path, long size, long modified) {
    }

    /** Whether fs/ images are allowed, and what relative paths resolve against. */
    private record Policy(boolean allowLocal, Path root) {
    }

    private volatile Policy policy;
    private final Map<FileVersion, String> digests = new ConcurrentHashMap<>();

    public LocalModuleResolver(boolean allowLocal, Path root) {
        allow(allowLocal, root);
    }

    /**
     * Changes the policy (allowLocalModules, localModuleRoot) for the images resolved from now
     * on; modules already loaded are not affected. Any thread.
     */
    public void allow(boolean allowLocal, Path root) {
        policy = new Policy(allowLocal, root);
    }

    public static boolean isLocal(String image) {
        return image.startsWith(PREFIX);
    }

    public ModuleRef resolve(String image) throws LaunchException {
        Policy current = policy;
        if (!current.allowLocal()) {
            throw new LaunchException(ModuleResolver.ERR_IMAGE_PULL, "image \"" + image
                    + "\" is a local module, and local modules are disabled on this node (allowLocalModules=false)");
        }
        Path file = current.root().resolve(image.substring(PREFIX.length())).normalize();
        if (!Files.isRegularFile(file)) {
            throw new LaunchException(ModuleResolver.ERR_IMAGE_PULL, "image \"" + image + "\": module file " + file + " not found");
        }
        try {
            var version = new FileVersion(file, Files.size(file), Files.getLastModifiedTime(file).toMillis());
            String digest = digests.get(version);
            if (digest == null) {
                digest = sha256(file);
                digests.put(version, digest);
            }
            return new ModuleRef(image, file, digest);
        } catch (IOException e) {
            throw new LaunchException(ModuleResolver.ERR_IMAGE_PULL, "image \"" + image + "\": cannot read " + file + ": " + e.getMessage());
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) > 0; ) {
                md.update(buffer, 0, n);
            }
            return "sha256:" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
