package io.krustlet.core.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the kubeconfig the node joins its cluster with. In order: the {@code kubeconfig} setting
 * (its {@code KRUSTLET_KUBECONFIG} override included), then {@code $KUBECONFIG} (its first entry),
 * then {@code ~/.kube/config}. The setting {@code none} keeps the node standalone whatever exists.
 */
public final class KubeconfigLocator {

    public static final String NONE = "none";

    private KubeconfigLocator() {
    }

    /**
     * @return the kubeconfig to use, or empty for standalone mode
     * @throws IllegalArgumentException when the setting names a file that does not exist: a typo
     *     must not silently turn a cluster node into a standalone one
     */
    public static Optional<Path> locate(String setting, Map<String, String> env, Path home) {
        if (NONE.equalsIgnoreCase(setting.trim())) {
            return Optional.empty();
        }
        if (!setting.isBlank()) {
            Path configured = Path.of(setting.trim());
            if (!Files.isRegularFile(configured)) {
                throw new IllegalArgumentException("kubeconfig " + configured + " does not exist or is not a file");
            }
            return Optional.of(configured);
        }
        String fromEnv = env.getOrDefault("KUBECONFIG", "");
        for (String entry : fromEnv.split(java.io.File.pathSeparator)) {
            if (!entry.isBlank() && Files.isRegularFile(Path.of(entry.trim()))) {
                return Optional.of(Path.of(entry.trim()));
            }
        }
        Path inHome = home.resolve(".kube").resolve("config");
        return Files.isRegularFile(inHome) ? Optional.of(inHome) : Optional.empty();
    }
}
