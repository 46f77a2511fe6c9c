package io.krustlet.core.pod;

/**
 * One {@code envFrom} entry: every key of a ConfigMap or Secret becomes a variable.
 *
 * @param kind where the keys come from
 * @param name the object's name
 * @param prefix prepended to each key, or "" for none
 * @param optional whether a missing object is skipped rather than an error
 */
public record EnvFromSpec(Kind kind, String name, String prefix, boolean optional) {

    public enum Kind { CONFIG_MAP, SECRET }

    public EnvFromSpec {
        prefix = prefix == null ? "" : prefix;
    }
}
