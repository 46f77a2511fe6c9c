package io.krustlet.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Test;

/** Every volume type the node supports, read back by the module with `read` and `ls`. */
public class VolumesE2E extends E2ESupport {

    private static io.fabric8.kubernetes.api.model.VolumeMount mount(String volume, String path) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).build();
    }

    private static io.fabric8.kubernetes.api.model.VolumeMount readOnly(String volume, String path) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(true).build();
    }

    private static Volume emptyDir(String name) {
        return new VolumeBuilder().withName(name).withNewEmptyDir().endEmptyDir().build();
    }

    /** Runs the pod to Succeeded and returns the log of the container. */
    private String succeed(Pod pod, String container, String expectedTail) {
        String name = pod.getMetadata().getName();
        create(pod);
        awaitPhase(name, "Succeeded");
        return awaitLog(name, container, "end with the module's last output", l -> l.endsWith(expectedTail));
    }

    @Test
    public void configMapVolumeWithItems() {
        String cm = unique("vol-cm");
        create(configMap(cm).addToData("a.txt", "alpha").addToData("b.txt", "beta").build());
        String name = unique("configmap");
        Pod pod = pod(name).editSpec()
                .addNewVolume().withName("config").withNewConfigMap().withName(cm)
                .addNewItem().withKey("a.txt").withPath("sub/first.txt").endItem().endConfigMap().endVolume()
                .addToContainers(testmod("main", "ls", "/config", "print", "--", "ls", "/config/sub", "print", "--",
                        "read", "/config/sub/first.txt", "print", "", "print", "end")
                        .withVolumeMounts(mount("config", "/config")).build())
                .endSpec().build();
        String log = succeed(pod, "main", "end\n");
        String[] parts = log.split("--\n", -1);
        List<String> top = parts[0].lines().filter(l -> !l.startsWith("..")).toList();
        assertEquals("only the item's directory at the top of the volume (besides ..data):\n" + log,
                List.of("sub"), top);
        assertEquals("the item under its path:\n" + log, "first.txt\n", parts[1]);
        assertTrue("the item's content:\n" + log, parts[2].startsWith("alpha"));
        assertFalse("b.txt is not projected:\n" + log, log.contains("b.txt") || log.contains("beta"));
    }

    @Test
    public void secretVolume() {
        String secret = unique("vol-secret");
        create(secret(secret).addToStringData("username", "admin").addToStringData("password", "p4ss w0rd").build());
        String name = unique("secret");
        Pod pod = pod(name).editSpec()
                .addNewVolume().withName("creds").withNewSecret().withSecretName(secret).endSecret().endVolume()
                .addToContainers(testmod("main", "ls", "/creds", "read", "/creds/password", "print", "",
                        "read", "/creds/username", "print", "", "print", "end")
                        .withVolumeMounts(readOnly("creds", "/creds")).build())
                .endSpec().build();
        String log = succeed(pod, "main", "end\n");
        List<String> entries = log.lines().filter(l -> !l.startsWith("..")).toList();
        assertEquals("both keys as files, then their decoded content:\n" + log,
                List.of("password", "username", "p4ss w0rd", "admin", "end"), entries);
    }

    @Test
    public void emptyDirSharedByAnInitContainerAndTheApp() {
        String name = unique("emptydir-init");
        Pod pod = pod(name).editSpec()
                .withVolumes(emptyDir("shared"))
                .addToInitContainers(testmod("writer", "write", "/shared/msg", "written by init")
                        .withVolumeMounts(mount("shared", "/shared")).build())
                .addToContainers(testmod("reader", "read", "/data/msg", "print", "", "print", "end")
                        .withVolumeMounts(mount("shared", "/data")).build())
                .endSpec().build();
        String log = succeed(pod, "reader", "end\n");
        assertTrue(log, log.startsWith("written by init\n"));
    }

    @Test
    public void emptyDirSharedByTwoAppContainers() {
        // The reader fails (exit 1) while the file is missing and is restarted (OnFailure) until it is
        // there: the result does not depend on which container runs first.
        String name = unique("emptydir-two");
        Pod pod = pod(name).editSpec().withRestartPolicy("OnFailure")
                .withVolumes(emptyDir("shared"))
                .addToContainers(testmod("writer", "write", "/out/msg", "from the writer container")
                        .withVolumeMounts(mount("shared", "/out")).build())
                .addToContainers(testmod("reader", "read", "/in/msg", "print", "", "print", "end")
                        .withVolumeMounts(mount("shared", "/in")).build())
                .endSpec().build();
        String log = succeed(pod, "reader", "end\n");
        assertTrue(log, log.startsWith("from the writer container\n"));
    }

    @Test
    public void hostPathVolume() throws Exception {
        Path dir = Files.createDirectories(hostDir().resolve(unique("hostpath")));
        Files.writeString(dir.resolve("in.txt"), "from the host");
        String name = unique("hostpath");
        Pod pod = pod(name).editSpec()
                .addNewVolume().withName("host").withNewHostPath().withPath(dir.toString()).withType("Directory")
                .endHostPath().endVolume()
                .addToContainers(testmod("main", "read", "/host/in.txt", "print", "",
                        "write", "/host/out.txt", "from the pod", "ls", "/host", "print", "end")
                        .withVolumeMounts(mount("host", "/host")).build())
                .endSpec().build();
        String log = succeed(pod, "main", "end\n");
        assertEquals(lines("from the host", "in.txt", "out.txt", "end"), log);
        assertEquals("the file the pod wrote, on the node's disk", "from the pod",
                Files.readString(dir.resolve("out.txt")));
    }

    @Test
    public void downwardApiVolumeWithLabels() {
        String name = unique("downward");
        Pod pod = pod(name).editMetadata().addToLabels("tier", "e2e-tier").endMetadata().editSpec()
                .addNewVolume().withName("info").withNewDownwardAPI()
                .addNewItem().withPath("labels").withNewFieldRef().withFieldPath("metadata.labels").endFieldRef()
                .endItem()
                .addNewItem().withPath("name").withNewFieldRef().withFieldPath("metadata.name").endFieldRef()
                .endItem()
                .endDownwardAPI().endVolume()
                .addToContainers(testmod("main", "read", "/etc/info/labels", "print", "", "print", "--",
                        "read", "/etc/info/name", "print", "", "print", "end")
                        .withVolumeMounts(mount("info", "/etc/info")).build())
                .endSpec().build();
        String log = succeed(pod, "main", "end\n");
        String labels = log.substring(0, log.indexOf("--\n"));
        assertTrue("label lines key=\"value\":\n" + log, labels.contains("tier=\"e2e-tier\"")
                && labels.contains(LABEL + "=\"true\""));
        assertTrue("the pod's name:\n" + log, log.contains("--\n" + name + "\n"));
    }

    @Test
    public void projectedVolumeOfAConfigMapAndTheDownwardApi() {
        String cm = unique("vol-proj");
        create(configMap(cm).addToData("setting", "on").addToData("other", "x").build());
        String name = unique("projected");
        Pod pod = pod(name).editSpec()
                .addNewVolume().withName("all").withNewProjected()
                .addNewSource().withNewConfigMap().withName(cm).addNewItem().withKey("setting")
                .withPath("config/setting").endItem().endConfigMap().endSource()
                .addNewSource().withNewDownwardAPI().addNewItem().withPath("podinfo/namespace").withNewFieldRef()
                .withFieldPath("metadata.namespace").endFieldRef().endItem().endDownwardAPI().endSource()
                .endProjected().endVolume()
                .addToContainers(testmod("main", "ls", "/all", "print", "--", "read", "/all/config/setting",
                        "print", "", "read", "/all/podinfo/namespace", "print", "", "print", "end")
                        .withVolumeMounts(readOnly("all", "/all")).build())
                .endSpec().build();
        String log = succeed(pod, "main", "end\n");
        List<String> top = log.substring(0, log.indexOf("--\n")).lines().filter(l -> !l.startsWith(".."))
                .toList();
        assertEquals("both sources' directories:\n" + log, List.of("config", "podinfo"), top);
        assertTrue("the ConfigMap key and the namespace:\n" + log,
                log.endsWith("--\non\n" + NAMESPACE + "\nend\n"));
    }

    @Test
    public void aReadOnlyMountRefusesWrites() {
        String name = unique("readonly");
        Pod pod = pod(name).editSpec()
                .withVolumes(emptyDir("data"))
                .addToInitContainers(testmod("prepare", "write", "/data/existing", "prepared")
                        .withVolumeMounts(mount("data", "/data")).build())
                .addToContainers(testmod("main", "read", "/ro/existing", "print", "", "print", "read-ok",
                        "write", "/ro/new", "must not be written", "print", "written")
                        .withVolumeMounts(readOnly("data", "/ro")).build())
                .endSpec().build();
        create(pod);
        Pod failed = awaitPhase(name, "Failed");
        ContainerStateTerminated terminated = terminated(failed, "main")
                .orElseThrow(() -> new AssertionError("main is not terminated\n" + describe(name)));
        assertEquals("testmod exits 1 when a write fails\n" + describe(name), Integer.valueOf(1),
                terminated.getExitCode());
        String log = awaitLog(name, "main", "show the refused write", l -> l.contains("cannot open /ro/new"));
        assertTrue("the mount is readable:\n" + log, log.startsWith("prepared\nread-ok\n"));
        assertTrue("EROFS:\n" + log, log.contains("Read-only file system"));
        assertFalse(log, log.contains("written\n"));
    }
}
