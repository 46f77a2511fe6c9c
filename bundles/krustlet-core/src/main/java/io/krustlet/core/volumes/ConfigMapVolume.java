package io.krustlet.core.volumes;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.krustlet.core.pod.ApiObjects;
import io.krustlet.core.pod.ApiUnavailableException;
import io.krustlet.core.pod.ObjectData;
import io.krustlet.core.pod.VolumeSource;
import java.util.Map;
import java.util.Optional;

/** The files of a configMap volume or projection: the ConfigMap's data and binaryData keys. */
final class ConfigMapVolume {

    private final ApiObjects api;

    ConfigMapVolume(ApiObjects api) {
        this.api = api;
    }

    Map<String, FileProjection> payload(String namespace, VolumeSource.ConfigMap source) throws VolumeSetupException {
        Optional<ConfigMap> configMap;
        try {
            configMap = api.configMap(namespace, source.name());
        } catch (ApiUnavailableException e) {
            throw new VolumeSetupException(e.getMessage(), e);
        }
        if (configMap.isEmpty() && !source.optional()) {
            throw new VolumeSetupException("configmap \"" + source.name() + "\" not found");
        }
        Map<String, byte[]> data = configMap.map(ObjectData::configMapBytes).orElse(Map.of());
        return KeyedPayload.make(source.items(), data, source.defaultMode(), source.optional(),
                "configmap references non-existent config key: ");
    }
}
