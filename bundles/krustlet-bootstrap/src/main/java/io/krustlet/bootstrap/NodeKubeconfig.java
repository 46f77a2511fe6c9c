package io.krustlet.bootstrap;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The kubeconfig the node joins its cluster with, by one set of rules for every bundle that talks
 * to the API server as the node (the core, the TLS bootstrap that writes it, the HTTPS API that
 * reviews tokens with it). In order: the {@code kubeconfig} setting (its {@code KRUSTLET_KUBECONFIG}
 * override included), then {@code $KUBECONFIG} (its first existing entry), then
 * {@code ~/.kube/config}. The setting {@code none} keeps the node standalone whatever exists.
 */
public final class NodeKubeconfig {

    public static final String NONE = "none";

    private NodeKubeconfig() {
    }

    /**
     * @return the kubeconfig to use (a configured one as it is named: TLS bootstrap may not have
     *     written it yet), or empty for standalone mode
     */
    public static Optional<Path> locate(String setting, Map<String, String> env, Path home) {
        if (NONE.equalsIgnoreCase(setting.trim())) {
            return Optional.empty();
        }
        if (!setting.isBlank()) {
            return Optional.of(Path.of(setting.trim()));
        }
        for (String entry : env.getOrDefault("KUBECONFIG", "").split(File.pathSeparator)) {
            if (!entry.isBlank() && Files.isRegularFile(Path.of(entry.trim()))) {
                return Optional.of(Path.of(entry.trim()));
            }
        }
        Path inHome = home.resolve(".kube").resolve("config");
        return Files.isRegularFile(inHome) ? Optional.of(inHome) : Optional.empty();
    }

    /**
     * As {@link #locate}, for a client that needs the file now.
     *
     * @throws IllegalArgumentException when the setting names a file that does not exist: a typo
     *     must not silently turn a cluster node into a standalone one
     */
    public static Optional<Path> locateExisting(String setting, Map<String, String> env, Path home) {
        Optional<Path> found = locate(setting, env, home);
        found.ifPresent(NodeKubeconfig::requireFile);
        return found;
    }

    /** @throws IllegalArgumentException when {@code kubeconfig} is not there (yet) */
    public static Path requireFile(Path kubeconfig) {
        if (!Files.isRegularFile(kubeconfig)) {
            throw new IllegalArgumentException("kubeconfig " + kubeconfig + " does not exist or is not a file");
        }
        return kubeconfig;
    }
}
