package io.krustlet.core.modules;

import io.fabric8.kubernetes.api.model.Secret;
import io.krustlet.core.pod.ApiObjects;
import io.krustlet.core.pod.ApiUnavailableException;
import io.krustlet.core.pod.PodDefinition;
import io.krustlet.oci.DockerConfig;
import io.krustlet.oci.RegistryCredential;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry credentials a pod's imagePullSecrets name: Secrets of type
 * {@code kubernetes.io/dockerconfigjson} or {@code kubernetes.io/dockercfg}. As in the kubelet, a
 * secret that cannot be had is a warning, not an error: the pull is tried without it (the image
 * may be public, or the node's own credentials may do).
 */
public final class PullSecrets {

    private static final Logger LOG = LoggerFactory.getLogger(PullSecrets.class);
    private static final Map<String, String> KEYS = Map.of(
            "kubernetes.io/dockerconfigjson", ".dockerconfigjson",
            "kubernetes.io/dockercfg", ".dockercfg");

    private final ApiObjects api;

    public PullSecrets(ApiObjects api) {
        this.api = api;
    }

    public List<RegistryCredential> credentials(PodDefinition pod) {
        List<RegistryCredential> credentials = new ArrayList<>();
        for (String name : pod.imagePullSecrets()) {
            try {
                Optional<Secret> secret = api.secret(pod.namespace(), name);
                if (secret.isEmpty()) {
                    LOG.warn("Unable to retrieve pull secret {}/{} for pod {}: not found; the image pull may not"
                            + " succeed", pod.namespace(), name, pod.key());
                    continue;
                }
                credentials.addAll(parse(secret.get()));
            } catch (ApiUnavailableException e) {
                LOG.warn("Unable to retrieve pull secret {}/{} for pod {}: {}", pod.namespace(), name, pod.key(),
                        e.getMessage());
            } catch (IOException | IllegalArgumentException e) {
                LOG.warn("Pull secret {}/{} of pod {} is not a valid Docker config: {}", pod.namespace(), name,
                        pod.key(), e.getMessage());
            }
        }
        return credentials;
    }

    private static List<RegistryCredential> parse(Secret secret) throws IOException {
        String key = KEYS.get(secret.getType());
        if (key == null || secret.getData() == null || !secret.getData().containsKey(key)) {
            throw new IllegalArgumentException("type " + secret.getType() + " has no " + (key == null
                    ? ".dockerconfigjson or .dockercfg" : key) + " entry");
        }
        return DockerConfig.parse(Base64.getDecoder().decode(secret.getData().get(key)));
    }
}
