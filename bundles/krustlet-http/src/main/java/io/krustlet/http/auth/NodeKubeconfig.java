package io.krustlet.http.auth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the kubeconfig the node uses, with the core's rules (a copy of its small
 * {@code KubeconfigLocator}: the core exports only its status package). In order: the setting,
 * then {@code $KUBECONFIG} (its first existing entry), then {@code ~/.kube/config}; {@code none}
 * means standalone whatever exists.
 */
public final class NodeKubeconfig {

    public static final String NONE = "none";

    private NodeKubeconfig() {
    }

    /** @throws IllegalArgumentException when the setting names a file that does not exist */
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
        for (String entry : env.getOrDefault("KUBECONFIG", "").split(java.io.File.pathSeparator)) {
            if (!entry.isBlank() && Files.isRegularFile(Path.of(entry.trim()))) {
                return Optional.of(Path.of(entry.trim()));
            }
        }
        Path inHome = home.resolve(".kube").resolve("config");
        return Files.isRegularFile(inHome) ? Optional.of(inHome) : Optional.empty();
    }
}
