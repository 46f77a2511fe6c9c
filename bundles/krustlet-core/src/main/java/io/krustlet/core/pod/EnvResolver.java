package io.krustlet.core.pod;

import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Works out a container's environment when it starts, with the kubelet's rules
 * (makeEnvironmentVariables): {@code envFrom} first, then {@code env} entries in order, each
 * overriding what came before; {@code $(VAR)} in a value refers to what is defined so far.
 * Because this runs at each start, a ConfigMap or Secret that is created later is picked up on the
 * next attempt.
 */
public final class EnvResolver {

    private static final Logger LOG = LoggerFactory.getLogger(EnvResolver.class);
    /** The kubelet's test for names taken from envFrom keys (IsEnvVarName). */
    private static final Pattern ENV_VAR_NAME = Pattern.compile("[-._a-zA-Z][-._a-zA-Z0-9]*");

    private final ApiObjects api;
    private final DownwardApiValues downwardApi;

    public EnvResolver(ApiObjects api, DownwardApiValues downwardApi) {
        this.api = api;
        this.downwardApi = downwardApi;
    }

    /**
     * @return the variables in a stable order: envFrom keys first (sorted within each source),
     *     then env entries in declaration order; an overridden variable keeps its first place
     * @throws ContainerConfigException a required object or key is missing, with the kubelet's message
     * @throws ApiUnavailableException the API could not be asked; worth retrying
     */
    public Map<String, String> resolve(PodDefinition pod, ContainerDefinition container)
            throws ContainerConfigException, ApiUnavailableException {
        Lookups lookups = new Lookups(pod.namespace());
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSpec from : container.envFrom()) {
            addAll(pod, from, lookups, env);
        }
        for (EnvVarSpec var : container.env()) {
            Optional<String> value = value(pod, container, var, lookups, env);
            value.ifPresent(v -> env.put(var.name(), v));
        }
        return env;
    }

    private void addAll(PodDefinition pod, EnvFromSpec from, Lookups lookups, Map<String, String> env)
            throws ContainerConfigException, ApiUnavailableException {
        Optional<Map<String, String>> data = from.kind() == EnvFromSpec.Kind.CONFIG_MAP
                ? lookups.configMap(from.name())
                : lookups.secret(from.name());
        if (data.isEmpty()) {
            if (from.optional()) {
                return;
            }
            throw notFound(from.kind() == EnvFromSpec.Kind.CONFIG_MAP ? "configmap" : "secret", from.name());
        }
        List<String> invalid = new ArrayList<>();
        // Go iterates maps in random order; sorting keeps our environment stable between starts
        for (String key : new TreeSet<>(data.get().keySet())) {
            String name = from.prefix() + key;
            if (!ENV_VAR_NAME.matcher(name).matches()) {
                invalid.add(name);
                continue;
            }
            env.put(name, data.get().get(key));
        }
        if (!invalid.isEmpty()) {
            // the kubelet's InvalidEnvironmentVariableNames event, in the node's log
            LOG.warn("Pod {}: Keys [{}] from the EnvFrom {} {}/{} were skipped since they are considered invalid "
                    + "environment variable names.", pod.key(), String.join(", ", invalid),
                    from.kind() == EnvFromSpec.Kind.CONFIG_MAP ? "configMap" : "secret", pod.namespace(), from.name());
        }
    }

    /** The variable's value, or empty when an optional source is missing (the variable is then not set). */
    private Optional<String> value(PodDefinition pod, ContainerDefinition container, EnvVarSpec var, Lookups lookups,
            Map<String, String> env) throws ContainerConfigException, ApiUnavailableException {
        if (var instanceof EnvVarSpec.Literal literal) {
            return Optional.of(expand(literal.value(), env));
        }
        if (var instanceof EnvVarSpec.FieldRef field) {
            return Optional.of(downwardApi.envField(pod, field.fieldPath()));
        }
        if (var instanceof EnvVarSpec.ResourceFieldRef resource) {
            return Optional.of(downwardApi.resource(pod, container, resource.resource()));
        }
        if (var instanceof EnvVarSpec.ConfigMapKey ref) {
            return keyOf(lookups.configMap(ref.configMap()), "configmap", "ConfigMap", pod.namespace(), ref.configMap(),
                    ref.key(), ref.optional());
        }
        EnvVarSpec.SecretKey ref = (EnvVarSpec.SecretKey) var;
        return keyOf(lookups.secret(ref.secret()), "secret", "Secret", pod.namespace(), ref.secret(), ref.key(),
                ref.optional());
    }

    private static Optional<String> keyOf(Optional<Map<String, String>> data, String resource, String kind,
            String namespace, String name, String key, boolean optional) throws ContainerConfigException {
        if (data.isEmpty()) {
            if (optional) {
                return Optional.empty();
            }
            throw notFound(resource, name);
        }
        String value = data.get().get(key);
        if (value == null) {
            if (optional) {
                return Optional.empty();
            }
            throw new ContainerConfigException("couldn't find key " + key + " in " + kind + " " + namespace + "/" + name);
        }
        return Optional.of(value);
    }

    /** The kubelet's NotFound for its ConfigMap and Secret managers: {@code configmap "x" not found}. */
    private static ContainerConfigException notFound(String resource, String name) {
        return new ContainerConfigException(resource + " \"" + name + "\" not found");
    }

    /**
     * {@code $(VAR)} references to defined variables, with {@code $$} as an escape, as the kubelet
     * expands them; a reference to an undefined variable is left as written.
     */
    public static String expand(String value, Map<String, String> env) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char ch = value.charAt(i);
            if (ch == '$' && i + 1 < value.length()) {
                char next = value.charAt(i + 1);
                if (next == '$') {
                    out.append('$');
                    i++;
                    continue;
                }
                if (next == '(') {
                    int close = value.indexOf(')', i + 2);
                    if (close > 0) {
                        String ref = value.substring(i + 2, close);
                        if (env.containsKey(ref)) {
                            out.append(env.get(ref));
                            i = close;
                            continue;
                        }
                    }
                }
            }
            out.append(ch);
        }
        return out.toString();
    }

    /** Each object is read once per start, as the kubelet caches them within one call. */
    private final class Lookups {
        private final String namespace;
        private final Map<String, Optional<Map<String, String>>> configMaps = new HashMap<>();
        private final Map<String, Optional<Map<String, String>>> secrets = new HashMap<>();

        Lookups(String namespace) {
            this.namespace = namespace;
        }

        Optional<Map<String, String>> configMap(String name) throws ApiUnavailableException {
            Optional<Map<String, String>> cached = configMaps.get(name);
            if (cached == null) {
                // env only sees data, not binaryData, as in the kubelet
                cached = api.configMap(namespace, name).map(ConfigMap::getData).map(d -> d == null ? Map.of() : d);
                configMaps.put(name, cached);
            }
            return cached;
        }

        Optional<Map<String, String>> secret(String name) throws ApiUnavailableException {
            Optional<Map<String, String>> cached = secrets.get(name);
            if (cached == null) {
                cached = api.secret(namespace, name).map(ObjectData::secretStrings);
                secrets.put(name, cached);
            }
            return cached;
        }
    }
}
