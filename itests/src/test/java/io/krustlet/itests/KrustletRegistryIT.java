package io.krustlet.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import io.krustlet.core.status.ContainerState;
import io.krustlet.core.status.PodPhase;
import io.krustlet.core.status.PodSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * Pods whose images are in a real registry (Debian's docker-registry on 127.0.0.1, started by
 * the test JVM before the container), run by the distribution.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class KrustletRegistryIT extends KrustletTestSupport {

    @Configuration
    public Option[] config() throws Exception {
        Path work = Path.of(System.getProperty("krustlet.work", "target/work")).toAbsolutePath();
        String[] registry = startRegistry(work);
        return OptionUtils.combine(baseConfig(),
                editConfigurationFilePut("etc/io.krustlet.oci.cfg", "insecureRegistries", registry[0]),
                systemProperty("krustlet.itest.registry").value(registry[0]),
                systemProperty("krustlet.itest.digest").value(registry[1]));
    }

    /** Strings only cross here, so the container never loads the registry fixture's types. */
    private static String[] startRegistry(Path work) throws Exception {
        var registry = RegistryFixture.start(work);
        return new String[] {registry.host(), registry.helloDigest()};
    }

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata: {name: %s}
            spec:
              restartPolicy: Never
              containers:
              - name: main
                image: "%s"
                args: [from, the, registry]
            """;

    @Test
    public void aPodWhoseImageIsInTheRegistryRunsToSucceeded() throws Exception {
        String registry = System.getProperty("krustlet.itest.registry");
        writeManifest("pulled.yaml", POD.formatted("pulled", registry + "/wasm/hello:v1"));
        PodSnapshot pod = awaitPod("pulled", p -> p.status().phase() == PodPhase.Succeeded, "to succeed");
        assertEquals(registry + "/wasm/hello@" + System.getProperty("krustlet.itest.digest"),
                pod.status().containerStatuses().get(0).imageId());
        Path log = kubelet.logFile("default", "pulled-" + NODE, "main", false).orElseThrow();
        assertTrue(Files.readString(log).contains("Hello from WebAssembly! args: from the registry"));
    }

    @Test
    public void aMissingImageWaitsWithErrImagePullThenImagePullBackOff() throws Exception {
        String image = System.getProperty("krustlet.itest.registry") + "/wasm/missing:v1";
        List<String> reasons = new CopyOnWriteArrayList<>();
        kubelet.addListener(p -> {
            if (p.name().equals("missing-" + NODE)
                    && p.status().containerStatuses().get(0).state() instanceof ContainerState.Waiting w) {
                reasons.add(w.reason());
            }
        });
        writeManifest("missing.yaml", POD.formatted("missing", image));
        PodSnapshot pod = awaitPod("missing", p -> p.status().containerStatuses().get(0).state()
                instanceof ContainerState.Waiting w && "ImagePullBackOff".equals(w.reason()), "to back off");
        assertTrue(reasons.toString(), reasons.contains("ErrImagePull"));
        String message = ((ContainerState.Waiting) pod.status().containerStatuses().get(0).state()).message();
        assertTrue(message, message.contains(image) && message.contains("not found"));
        assertEquals(PodPhase.Pending, pod.status().phase());
        assertTrue(Set.of("io.krustlet.core", "io.krustlet.oci").stream()
                .allMatch(b -> bundle(b).getState() == org.osgi.framework.Bundle.ACTIVE));
    }
}
