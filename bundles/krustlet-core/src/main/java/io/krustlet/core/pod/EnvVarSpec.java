package io.krustlet.core.pod;

import java.util.Objects;

/**
 * One {@code env} entry of a container as written in the spec. Its value is only worked out when
 * the container starts ({@link EnvResolver}), so a ConfigMap or Secret created after the pod is
 * picked up on the next attempt, as the kubelet does.
 */
public sealed interface EnvVarSpec {

    /** The variable's name. */
    String name();

    /** {@code value}, with {@code $(VAR)} references expanded at start. */
    record Literal(String name, String value) implements EnvVarSpec {
        public Literal {
            Objects.requireNonNull(name, "name");
            value = value == null ? "" : value;
        }
    }

    /** {@code valueFrom.fieldRef}. */
    record FieldRef(String name, String fieldPath) implements EnvVarSpec {
    }

    /** {@code valueFrom.resourceFieldRef}. */
    record ResourceFieldRef(String name, ResourceFieldSpec resource) implements EnvVarSpec {
    }

    /** {@code valueFrom.configMapKeyRef}. */
    record ConfigMapKey(String name, String configMap, String key, boolean optional) implements EnvVarSpec {
    }

    /** {@code valueFrom.secretKeyRef}. */
    record SecretKey(String name, String secret, String key, boolean optional) implements EnvVarSpec {
    }
}
