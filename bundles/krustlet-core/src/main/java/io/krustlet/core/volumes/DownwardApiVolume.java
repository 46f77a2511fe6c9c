package io.krustlet.core.volumes;

import io.krustlet.core.pod.ContainerConfigException;
import io.krustlet.core.pod.DownwardApiFile;
import io.krustlet.core.pod.DownwardApiValues;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.VolumeSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The files of a downwardAPI volume or projection: pod metadata and container resources. */
final class DownwardApiVolume {

    private final DownwardApiValues values;

    DownwardApiVolume(DownwardApiValues values) {
        this.values = values;
    }

    Map<String, FileProjection> payload(PodDefinition pod, VolumeSource.DownwardApi source)
            throws VolumeSetupException {
        Map<String, FileProjection> payload = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (DownwardApiFile file : source.items()) {
            int mode = file.mode() == null ? source.defaultMode() : file.mode();
            try {
                String value = file.fieldPath() != null
                        ? values.volumeField(pod, file.fieldPath())
                        : values.resource(pod, null, file.resource());
                payload.put(file.path(), new FileProjection(value.getBytes(StandardCharsets.UTF_8), mode));
            } catch (ContainerConfigException e) {
                // as CollectData: every failing item is reported, not only the first
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw VolumeSetupException.aggregate(errors);
        }
        return payload;
    }
}
