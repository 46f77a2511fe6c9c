package io.krustlet.core.volumes;

import io.krustlet.core.pod.PodDefinition;
import io.krustlet.core.pod.VolumeSource;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of a projected volume: its sources' files in one directory, by the kubelet's
 * collectData. Every source is tried; the failures are reported together.
 */
final class ProjectedVolume {

    private final ConfigMapVolume configMaps;
    private final SecretVolume secrets;
    private final DownwardApiVolume downwardApi;
    private final ServiceAccountTokens tokens;

    ProjectedVolume(ConfigMapVolume configMaps, SecretVolume secrets, DownwardApiVolume downwardApi,
            ServiceAccountTokens tokens) {
        this.configMaps = configMaps;
        this.secrets = secrets;
        this.downwardApi = downwardApi;
        this.tokens = tokens;
    }

    Map<String, FileProjection> payload(PodDefinition pod, VolumeSource.Projected source) throws VolumeSetupException {
        Map<String, FileProjection> payload = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (VolumeSource.Projection projection : source.sources()) {
            try {
                if (projection instanceof VolumeSource.ConfigMap configMap) {
                    payload.putAll(configMaps.payload(pod.namespace(), configMap));
                } else if (projection instanceof VolumeSource.Secret secret) {
                    payload.putAll(secrets.payload(pod.namespace(), secret));
                } else if (projection instanceof VolumeSource.DownwardApi items) {
                    payload.putAll(downwardApi.payload(pod, items));
                } else {
                    var token = (VolumeSource.ServiceAccountTokenProjection) projection;
                    payload.put(token.path(), new FileProjection(
                            tokens.get(pod, token).token().getBytes(StandardCharsets.UTF_8), source.defaultMode()));
                }
            } catch (VolumeSetupException e) {
                errors.add(e.getMessage());
            }
        }
        if (!errors.isEmpty()) {
            throw VolumeSetupException.aggregate(errors);
        }
        return payload;
    }
}
