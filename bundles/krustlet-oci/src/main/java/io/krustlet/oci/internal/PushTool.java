package io.krustlet.oci.internal;

import io.krustlet.oci.DockerConfig;
import io.krustlet.oci.ImageReference;
import io.krustlet.oci.PullException;
import io.krustlet.oci.RegistryCredential;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code just push FILE REF [--insecure] [--docker-config PATH]}: pushes a .wasm file from the
 * command line, without a running node, with the same code the node and {@code krustlet:push} use.
 */
public final class PushTool {

    private PushTool() {
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        boolean insecure = false;
        Path dockerConfig = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--insecure" -> insecure = true;
                case "--docker-config" -> dockerConfig = Path.of(args[++i]);
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() != 2) {
            System.err.println("usage: just push FILE.wasm REGISTRY/REPOSITORY:TAG [--insecure] [--docker-config config.json]");
            System.exit(64);
        }
        Path file = Path.of(positional.get(0));
        String image = positional.get(1);
        List<RegistryCredential> credentials = dockerConfig == null ? List.of()
                : DockerConfig.parse(Files.readAllBytes(dockerConfig));
        Set<String> plainHttp = insecure ? Set.of(ImageReference.parse(image).registry()) : Set.of();
        Path scratch = Files.createTempDirectory("krustlet-push");
        try {
            String digest = new OciImageService(scratch, 0, plainHttp, null, credentials).push(file, image, credentials);
            System.out.println("Pushed " + file + " to " + image + "@" + digest);
        } catch (PullException e) {
            System.err.println("push failed (" + e.kind() + "): " + e.getMessage());
            System.exit(1);
        }
    }
}
