package io.krustlet.api;

import java.util.Objects;

/**
 * Describes a provider.
 *
 * @param runtime the runtime handler served, for example {@code wasi}
 * @param arch the node architecture it implies, for example {@code wasm32-wasi}
 * @param engine the engine behind it, for example {@code chicory}
 * @param engineVersion the engine's version
 */
public record RuntimeInfo(String runtime, String arch, String engine, String engineVersion) {
    public RuntimeInfo {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(arch, "arch");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(engineVersion, "engineVersion");
    }

    /** The container runtime version string as the node reports it, for example {@code chicory://1.7.5}. */
    public String containerRuntimeVersion() {
        return engine + "://" + engineVersion;
    }
}
