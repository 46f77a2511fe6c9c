package io.krustlet.core.volumes;

import io.fabric8.kubernetes.api.model.Secret;
import io.krustlet.core.pod.ApiObjects;
import io.krustlet.core.pod.ApiUnavailableException;
import io.krustlet.core.pod.ObjectData;
import io.krustlet.core.pod.VolumeSource;
import java.util.Map;
import java.util.Optional;

/** The files of a secret volume or projection: the Secret's decoded data. */
final class SecretVolume {

    private final ApiObjects api;

    SecretVolume(ApiObjects api) {
        this.api = api;
    }

    Map<String, FileProjection> payload(String namespace, VolumeSource.Secret source) throws VolumeSetupException {
        Optional<Secret> secret;
        try {
            secret = api.secret(namespace, source.secretName());
        } catch (ApiUnavailableException e) {
            throw new VolumeSetupException(e.getMessage(), e);
        }
        if (secret.isEmpty() && !source.optional()) {
            throw new VolumeSetupException("secret \"" + source.secretName() + "\" not found");
        }
        Map<String, byte[]> data = secret.map(ObjectData::secretBytes).orElse(Map.of());
        return KeyedPayload.make(source.items(), data, source.defaultMode(), source.optional(),
                "references non-existent secret key: ");
    }
}
