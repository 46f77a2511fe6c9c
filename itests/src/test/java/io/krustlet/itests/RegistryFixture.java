package io.krustlet.itests;

import io.krustlet.oci.internal.TestOciConfig;
import io.krustlet.oci.internal.OciImageService;
import io.krustlet.oci.internal.RegistryServer;
import io.krustlet.testmodules.TestModules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Host side only (the test JVM, never the container): a real docker-registry holding the hello
 * module, stopped when the test JVM exits. Kept out of the test classes that run in the
 * container so that they never load registry classes there.
 */
final class RegistryFixture {

    /** @param host the registry's host:port; @param helloDigest the manifest digest of host/wasm/hello:v1 */
    record Registry(String host, String helloDigest) {
    }

    private RegistryFixture() {
    }

    static Registry start(Path work) throws Exception {
        RegistryServer registry = RegistryServer.start(
                Files.createTempDirectory(Files.createDirectories(work), "registry-"), null, null);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                registry.stop();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        var pusher = new OciImageService(TestOciConfig.of(work.resolve("pusher"), registry.host()));
        String digest = pusher.push(TestModules.hello(), registry.host() + "/wasm/hello:v1", List.of());
        return new Registry(registry.host(), digest);
    }
}
