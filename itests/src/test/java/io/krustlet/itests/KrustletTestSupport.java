package io.krustlet.itests;

import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.CoreOptions.systemTimeout;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.configureConsole;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.debugConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.karafDistributionConfiguration;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.keepRuntimeFolder;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.logLevel;

import io.krustlet.core.status.KubeletPods;
import io.krustlet.core.status.PodSnapshot;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * offline: the distribution's system/ folder plus, for Pax Exam's own bundles, the build's local
 * Maven repository (read-only). Static pods are written into a folder of the test's own
 * (podManifestPath points there), so a test adds a pod with {@link #writeManifest} and waits for
 * its status through the core's {@code KubeletPods} service with {@link #awaitPod}.
 *
 * <p>Subclasses: {@code @RunWith(PaxExam.class)}, {@code @ExamReactorStrategy(PerClass.class)}
 * and a {@code @Configuration} method returning {@link #baseConfig()} (plus their own options).
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
        if (distribution == null || !new File(distribution).isFile()) {
            throw new IllegalStateException("krustlet.distribution (the assembly tar.gz) not found: " + distribution
                    + "; build it first: mvn install -pl assembly");
        }
        Path work = Path.of(System.getProperty("krustlet.work", "target/work")).toAbsolutePath();
        Path pods = work.resolve("pods-" + UUID.randomUUID());
        Files.createDirectories(pods);
        Path testmod = copyTestModule(work);
        String mvnCfg = "etc/org.ops4j.pax.url.mvn.cfg";
        int kubeletPort = freePort();
        List<Option> options = new ArrayList<>(List.of(
            karafDistributionConfiguration()
                    .frameworkUrl(new File(distribution).toURI().toString())
                    .unpackDirectory(work.resolve("exam").toFile())
                    .useDeployFolder(false)
                    .name("Krustlet"),
            configureConsole().ignoreLocalConsole().ignoreRemoteShell(),
            // The container boots in ~10 s; when a boot feature does not resolve, Pax Exam's probe
            // never comes up either, so fail after 90 s instead of the default 180 s (and see
            // karaf.log with -Dkrustlet.itest.keep=true). Also bounds the wait of @Inject services.
            systemTimeout(90_000),
            logLevel(LogLevelOption.LogLevel.INFO),
            // Offline: the distribution's system/ folder, then the build's local repository (read
            // as a local-layout repository, for Pax Exam's own "exam" feature), no remote ones.
            // The container's own local repository is a scratch folder, so it never writes to ~/.m2.
            editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.localRepository",
                    work.resolve("container-m2").toString()),
            editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.defaultRepositories",
                    "${karaf.home.uri}${karaf.default.repository}@id=system.repository@snapshots, "
                            + new File(System.getProperty("krustlet.local.repo")).toURI() + "@id=build.local@snapshots"),
            editConfigurationFilePut(mvnCfg, "org.ops4j.pax.url.mvn.repositories", ""),
            editConfigurationFilePut("etc/org.apache.karaf.shell.cfg", "sshPort", String.valueOf(freePort())),
            // boot features installed before the probe: a probe installed during the features
            // service's bundle refresh fails with "Resolver hook service unregistered during resolve"
            editConfigurationFilePut("etc/org.apache.karaf.features.cfg", "featuresBootAsynchronous", "false"),
            editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "nodeName", NODE),
            // standalone unless a test names a cluster: never join whatever ~/.kube/config names
            editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "kubeconfig", "none"),
            // the kubelet API on a port of its own, so a node running on this machine does not clash
            editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "port", String.valueOf(kubeletPort)),
            systemProperty("krustlet.itest.port").value(String.valueOf(kubeletPort)),
            editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "podManifestPath", pods.toString()),
            systemProperty("krustlet.itest.pods").value(pods.toString()),
            systemProperty("krustlet.itest.testmod").value(testmod == null ? "" : testmod.toString())));
        // -Dkrustlet.itest.keep=true keeps the container's folder (target/work/exam/<uuid>: etc/, data/log/karaf.log);
        // -Dkrustlet.itest.debug=5005 makes the container wait for a debugger on that port.
        if (Boolean.getBoolean("krustlet.itest.keep")) {
            options.add(keepRuntimeFolder());
        }
        String debugPort = System.getProperty("krustlet.itest.debug", "");
        if (!debugPort.isEmpty()) {
            options.add(debugConfiguration(debugPort, true));
        }
        return options.toArray(new Option[0]);
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
