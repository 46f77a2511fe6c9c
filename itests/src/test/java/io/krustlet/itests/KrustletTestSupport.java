package io.krustlet.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodSnapshot;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import javax.inject.Inject;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.karaf.options.LogLevelOption;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Boots the Krustlet distribution itself (the tar.gz `just run` starts) in a forked Karaf,
 * offline: Pax Exam's own bundles come from a folder filled at build time. Static pods are
 * written into a folder of the test's own.
 */
public abstract class KrustletTestSupport {

    static final Duration TIMEOUT = Duration.ofSeconds(60);
    static final String NODE = "itest";

    @Inject
    protected BundleContext bundleContext;

    @Inject
    protected KubeletPods kubelet;

    protected Option[] baseConfig() throws IOException {
        String distribution = System.getProperty("krustlet.distribution");
        Path work = Path.of(System.getProperty("krustlet.work", "target/work")).toAbsolutePath();
        Path pods = work.resolve("pods-" + UUID.randomUUID());
        Files.createDirectories(pods);
        Path testmod = copyTestModule(work);
        String mvnCfg = "etc/org.ops4j.pax.url.mvn.cfg";
        return new Option[] {
            karafDistributionConfiguration()
                    .frameworkUrl(new File(distribution).toURI().toString())
                    .unpackDirectory(work.resolve("exam").toFile())
                    .useDeployFolder(false)
                    .name("Krustlet"),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            logLevel(LogLevelOption.LogLevel.INFO),
            editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.localRepository",
                    System.getProperty("krustlet.local.repo")),
            editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.defaultRepositories",
                    "file:" + System.getProperty("krustlet.exam.repo") + "@id=exam@snapshots, "
                            + "${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots"),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
            editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "nodeName", NODE),
            editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "podManifestPath", pods.toString()),
            systemProperty("krustlet.itest.pods").value(pods.toString()),
            systemProperty("krustlet.itest.testmod").value(testmod == null ? "" : testmod.toString()),
        };
    }

    /** testmod.wasm from the krustlet-testmodules jar, as a file the container can read; null if not built. */
    private Path copyTestModule(Path work) throws IOException {
        try (var in = getClass().getResourceAsStream("/wasm/testmod.wasm")) {
            if (in == null) {
                return null;
            }
            Path file = work.resolve("testmod.wasm");
            Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return file;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    protected Path podsDir() {
        return Path.of(System.getProperty("krustlet.itest.pods"));
    }

    /** The C test module, or a clear failure when it was not built. */
    protected String testmodImage() {
        String path = System.getProperty("krustlet.itest.testmod");
        if (path == null || path.isEmpty()) {
            throw new AssertionError("testmod.wasm was not built: install clang lld wasi-libc libclang-rt-14-dev-wasm32");
        }
        return "fs/" + path;
    }

    protected void writeManifest(String file, String yaml) throws IOException {
        Path tmp = podsDir().resolve("." + file + ".tmp");
        Files.writeString(tmp, yaml);
        Files.move(tmp, podsDir().resolve(file), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    protected PodSnapshot awaitPod(String name, Predicate<PodSnapshot> condition, String what) {
        String fullName = name + "-" + NODE;
        await(() -> kubelet.pod("default", fullName).filter(condition).isPresent(),
                () -> "pod " + fullName + " " + what + "; now: " + kubelet.pod("default", fullName));
        return kubelet.pod("default", fullName).orElseThrow();
    }

    /** Waits for a condition with a deadline, checking it every 50 ms. */
    protected static void await(BooleanSupplier condition, java.util.function.Supplier<String> failure) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + failure.get());
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    protected Bundle bundle(String symbolicName) {
        for (Bundle b : bundleContext.getBundles()) {
            if (b.getSymbolicName().equals(symbolicName)) {
                return b;
            }
        }
        throw new AssertionError("bundle " + symbolicName + " is not installed");
    }
}
