package io.krustlet.core.runtime;

import java.util.Objects;

/**
 * The bundle behind a provider.
 *
 * @param bundleId its bundle id, or -1 when unknown (outside OSGi)
 * @param symbolicName its Bundle-SymbolicName, or {@code unknown}
 * @param version its Bundle-Version, or {@code 0.0.0}
 */
public record ProviderIdentity(long bundleId, String symbolicName, String version) {

    public ProviderIdentity {
        Objects.requireNonNull(symbolicName, "symbolicName");
        Objects.requireNonNull(version, "version");
    }

    /** A provider whose bundle the node cannot see (tests, the bench). */
    public static ProviderIdentity unknown(long bundleId) {
        return new ProviderIdentity(bundleId, "unknown", "0.0.0");
    }

    /** Whether both are revisions of one bundle (same symbolic name; an unknown bundle is no one's twin). */
    public boolean sameBundleAs(ProviderIdentity other) {
        return !"unknown".equals(symbolicName) && symbolicName.equals(other.symbolicName);
    }

    @Override
    public String toString() {
        return symbolicName + " " + version + " (bundle " + bundleId + ")";
    }
}
