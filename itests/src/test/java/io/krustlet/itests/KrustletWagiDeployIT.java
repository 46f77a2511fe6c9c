package io.krustlet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.krustlet.api.ContainerRuntime;
import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.ContainerStatus;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.InvalidSyntaxException;

/**
 * The wagi runtime as a user adds it to a running node: its jar copied into {@code deploy/} of a
 * distribution that runs {@code krustlet-wasi} with a wasi pod; a static pod with
 * {@code runtimeClassName: wagi} becomes Ready through its readiness probe and answers HTTP; a new version of the jar over the old one restarts
 * that pod on the new revision and leaves the wasi pod alone; deleting the jar stops the pod with
 * a clear reason and frees its port.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KrustletWagiDeployIT extends KrustletTestSupport {

    private static final String WAGI_BUNDLE = "io.krustlet.wagi";

    @Configuration
    public Option[] config() throws Exception {
        String jar = System.getProperty("krustlet.wagi.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("krustlet.wagi.jar (the krustlet-wagi-provider bundle) not found: " + jar);
        }
        Path work = Path.of(System.getProperty("krustlet.work", "target/work")).toAbsolutePath();
        Files.createDirectories(work);
        Path wagi = work.resolve("wagi.wasm");
        try (InputStream in = getClass().getResourceAsStream("/wasm/wagi.wasm")) {
            if (in == null) {
                throw new IllegalStateException("wagi.wasm was not built: install clang lld wasi-libc libclang-rt-14-dev-wasm32");
            }
            Files.copy(in, wagi, StandardCopyOption.REPLACE_EXISTING);
        }
        List<Option> options = new ArrayList<>(Arrays.asList(baseConfig()));
        // the node's address is the pods' address, where a wagi container listens
        options.add(editConfigurationFilePut("etc/io.krustlet.kubelet.cfg", "nodeIP", "127.0.0.1"));
        options.add(systemProperty("krustlet.itest.wagi.jar").value(jar));
        options.add(systemProperty("krustlet.itest.wagi.wasm").value(wagi.toString()));
        options.add(systemProperty("krustlet.itest.wagi.port").value(String.valueOf(freePort())));
        return options.toArray(new Option[0]);
    }

    @Test
    public void aDroppedInJarServesHttpAndIsUpgradedAndRemovedWithoutTouchingOtherPods() throws Exception {
        // a node running krustlet-wasi with a wasi pod, and no wagi provider
        assertTrue(Arrays.stream(bundleContext.getBundles()).noneMatch(b -> WAGI_BUNDLE.equals(b.getSymbolicName())));
        writeManifest("looper.yaml", """
                apiVersion: v1
                kind: Pod
                metadata: {name: looper}
                spec:
                  containers:
                  - name: loop
                    image: "%s"
                    args: [print, started, loop]
                """.formatted(testmodImage()));
        awaitPod("looper", p -> p.status().phase() == PodPhase.Running, "to run");
        Bundle core = bundle("io.krustlet.core");
        long coreModified = core.getLastModified();

        // 1. drop the jar into deploy/
        Path deploy = Path.of(System.getProperty("karaf.base"), "deploy");
        Path deployed = deploy.resolve("krustlet-wagi-provider.jar");
        install(Path.of(System.getProperty("krustlet.itest.wagi.jar")), deployed);
        await(() -> wagiServices() == 1, () -> "the wagi runtime to be registered from deploy/");

        int port = Integer.getInteger("krustlet.itest.wagi.port");
        writeManifest("web.yaml", """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                  annotations:
                    wagi.krustlet.dev/route: /hello/...
                spec:
                  runtimeClassName: wagi
                  containers:
                  - name: handler
                    image: "fs/%s"
                    env: [{name: GREETING, value: hi}]
                    ports: [{containerPort: %d}]
                    readinessProbe:
                      httpGet: {path: /hello/ready, port: %d}
                      periodSeconds: 1
                """.formatted(System.getProperty("krustlet.itest.wagi.wasm"), port, port));
        awaitPod("web", p -> p.status().phase() == PodPhase.Running && ready(p), "to become Ready (readiness probe)");
        HttpResponse<String> hello = get(port, "/hello/world?name=krustlet");
        assertEquals(200, hello.statusCode());
        assertTrue(hello.body(), hello.body().contains("arg=name=krustlet\n"));
        assertTrue(hello.body(), hello.body().contains("env:PATH_INFO=/world\n"));
        assertTrue(hello.body(), hello.body().contains("env:GREETING=hi\n"));
        assertEquals(404, get(port, "/elsewhere").statusCode());
        Path log = kubelet.logFile("default", "web-" + NODE, "handler", false).orElseThrow();
        await(() -> read(log).contains("\"GET /hello/world?name=krustlet HTTP/1.1\" 200 "),
                () -> "the access-log line in the container's log: " + read(log));

        // 2. a new version of the jar over the old one: the wagi pod restarts on the new revision
        Bundle first = bundle(WAGI_BUNDLE);
        long firstModified = first.getLastModified();
        Path v2 = Files.createTempFile(deploy.getParent(), "wagi-v2", ".jar");
        withVersion(Path.of(System.getProperty("krustlet.itest.wagi.jar")), v2, "0.1.0.itest2");
        install(v2, deployed);
        await(() -> bundle(WAGI_BUNDLE).getVersion().toString().equals("0.1.0.itest2"), () -> "the wagi bundle to be updated");
        PodSnapshot restarted = awaitPod("web", p -> container(p).restartCount() == 1
                && container(p).state() instanceof ContainerState.Running && ready(p),
                "to run again on the new revision and be Ready");
        assertTrue(bundle(WAGI_BUNDLE).getLastModified() > firstModified);
        assertEquals("ProviderRemoved", container(restarted).lastState().reason());
        assertTrue(container(restarted).lastState().message(),
                container(restarted).lastState().message().contains("left the node"));
        assertEquals("stopped gracefully: no request was cut off", 0, container(restarted).lastState().exitCode());
        await(() -> status(port, "/hello/again") == 200, () -> "the new revision to answer");
        PodSnapshot looper = kubelet.pod("default", "looper-" + NODE).orElseThrow();
        assertEquals("the wasi pod is untouched", 0, looper.status().containerStatuses().get(0).restartCount());
        assertTrue(looper.status().containerStatuses().get(0).state() instanceof ContainerState.Running);

        // 3. delete the jar: the pod stops with a clear reason, the port is free
        Files.delete(deployed);
        PodSnapshot stopped = awaitPod("web", p -> container(p).state() instanceof ContainerState.Waiting w
                && "RuntimeUnavailable".equals(w.reason()), "to wait for its runtime");
        var waiting = (ContainerState.Waiting) container(stopped).state();
        assertTrue(waiting.message(), waiting.message().contains("no provider serves runtime \"wagi\""));
        assertEquals("ProviderRemoved", container(stopped).lastState().reason());
        assertFalse("port " + port + " is free", listening(port));
        assertEquals(0, wagiServices());

        // the node itself never restarted, and the wasi pod ran throughout
        assertEquals(Bundle.ACTIVE, core.getState());
        assertEquals(coreModified, core.getLastModified());
        looper = kubelet.pod("default", "looper-" + NODE).orElseThrow();
        assertEquals(0, looper.status().containerStatuses().get(0).restartCount());
        assertTrue(looper.status().containerStatuses().get(0).state() instanceof ContainerState.Running);
        Files.delete(podsDir().resolve("web.yaml"));
        Files.delete(podsDir().resolve("looper.yaml"));
    }

    private static boolean ready(PodSnapshot pod) {
        return pod.status().condition("Ready").map(c -> c.status()).orElse(false);
    }

    private static ContainerStatus container(PodSnapshot pod) {
        return pod.status().containerStatuses().get(0);
    }

    private int wagiServices() {
        try {
            var refs = bundleContext.getServiceReferences(ContainerRuntime.class,
                    "(" + ContainerRuntime.RUNTIME_PROPERTY + "=wagi)");
            return refs.size();
        } catch (InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** As a user would copy a file: fully written elsewhere, then renamed into place. */
    private static void install(Path jar, Path target) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.copy(jar, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The same bundle with another Bundle-Version: what a new release of the jar looks like to OSGi. */
    private static void withVersion(Path jar, Path target, String version) throws IOException {
        try (JarInputStream in = new JarInputStream(Files.newInputStream(jar))) {
            Manifest manifest = new Manifest(in.getManifest());
            manifest.getMainAttributes().put(new Attributes.Name("Bundle-Version"), version);
            try (OutputStream file = Files.newOutputStream(target); JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
