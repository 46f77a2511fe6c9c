package io.krustlet.core.volumes;

import io.krustlet.core.pod.KeyToPath;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a configMap or secret volume (or projection), by the kubelet's MakePayload: every
 * key as a file of its own name, or only the listed {@code items} at their paths.
 */
final class KeyedPayload {

    private KeyedPayload() {
    }

    /**
     * @param data the object's keys, or an empty map for a missing optional object
     * @param missingKeyMessage the kubelet's message prefix for a listed key that is not there
     */
    static Map<String, FileProjection> make(List<KeyToPath> items, Map<String, byte[]> data, int defaultMode,
            boolean optional, String missingKeyMessage) throws VolumeSetupException {
        Map<String, FileProjection> payload = new LinkedHashMap<>();
        if (items.isEmpty()) {
            data.forEach((key, value) -> payload.put(key, new FileProjection(value, defaultMode)));
            return payload;
        }
        for (KeyToPath item : items) {
            byte[] value = data.get(item.key());
            if (value == null) {
                if (optional) {
                    continue;
                }
                throw new VolumeSetupException(missingKeyMessage + item.key());
            }
            payload.put(item.path(), new FileProjection(value, item.mode() == null ? defaultMode : item.mode()));
        }
        return payload;
    }
}
