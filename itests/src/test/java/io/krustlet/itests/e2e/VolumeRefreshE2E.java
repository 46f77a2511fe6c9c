package io.krustlet.itests.e2e;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/**
 * A running pod's configMap volume follows `kubectl apply` of a new value without a restart, as the
 * kubelet's periodic remount does (every volumeRefreshSeconds, 60 s by default, on this node); a
 * subPath mount keeps what it had when the container started; a required ConfigMap that is
 * deleted leaves the last content and a FailedMount Event. The module prints both files every 2 s.
 */
public class VolumeRefreshE2E extends E2ESupport {

    /** The node's default refresh period, plus room. */
    private static final Duration REFRESHED = Duration.ofSeconds(Math.max(150, TIMEOUT.toSeconds()));

    /** `read` both mounts every 2 s, for about 10 minutes. */
    private static String[] readLoop() {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            args.addAll(List.of("print", "whole:", "read", "/cfg/sub/greeting", "print", "", "print", "subpath:",
                    "read", "/sub/greeting", "print", "", "sleep", "2000"));
        }
        return args.toArray(String[]::new);
    }

    /** The value the module printed last after {@code label}. */
    private static String lastAfter(String log, String label) {
        List<String> lines = log.lines().toList();
        for (int i = lines.size() - 2; i >= 0; i--) {
            if (lines.get(i).equals(label)) {
                return lines.get(i + 1);
            }
        }
        return null;
    }

    @Test
    public void aConfigMapVolumeFollowsTheConfigMapWithoutARestart() {
        String cm = unique("refresh-cm");
        create(configMap(cm).addToData("greeting", "v1").build());
        String name = unique("refresh");
        create(pod(name).editSpec().withRestartPolicy("Always")
                .addNewVolume().withName("cfg").withNewConfigMap().withName(cm)
                .addNewItem().withKey("greeting").withPath("sub/greeting").endItem().endConfigMap().endVolume()
                .addToContainers(testmod("main", readLoop()).withVolumeMounts(
                        new VolumeMountBuilder().withName("cfg").withMountPath("/cfg").build(),
                        new VolumeMountBuilder().withName("cfg").withMountPath("/sub").withSubPath("sub").build())
                        .build())
                .endSpec().build());
        awaitLog(name, "main", "show v1 in both mounts", l -> "v1".equals(lastAfter(l, "whole:"))
                && "v1".equals(lastAfter(l, "subpath:")));

        client.configMaps().inNamespace(NAMESPACE).withName(cm).edit(c -> {
            c.getData().put("greeting", "v2");
            return c;
        });
        String log = awaitLog(name, "main", "show v2 in the volume", () -> log(name, "main"),
                l -> "v2".equals(lastAfter(l, "whole:")), REFRESHED);
        assertEquals("the subPath mount keeps what it had at the container's start\n" + shorten(log), "v1",
                lastAfter(log, "subpath:"));
        Pod pod = get(name);
        assertEquals("not restarted for it\n" + describe(name), Integer.valueOf(0),
                status(pod, "main").orElseThrow().getRestartCount());

        client.configMaps().inNamespace(NAMESPACE).withName(cm).delete();
        awaitEvents(name, "FailedMount for the deleted ConfigMap", events -> events.stream().anyMatch(e ->
                "Warning".equals(e.getType()) && "FailedMount".equals(e.getReason()) && e.getMessage().equals(
                        "MountVolume.SetUp failed for volume \"cfg\" : configmap \"" + cm + "\" not found")),
                REFRESHED);
        log = log(name, "main");
        assertEquals("a required ConfigMap that is gone leaves the last content\n" + shorten(log), "v2",
                lastAfter(log, "whole:"));
        assertTrue(describe(name), running(get(name), "main"));
    }
}
