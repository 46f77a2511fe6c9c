package io.krustlet.core.status;

/**
 * A runtime provider bundle as {@code krustlet:providers} shows it.
 *
 * @param runtime the runtime it serves, or empty for a provider that cannot start
 * @param bundleId its bundle id
 * @param bundleName its Bundle-SymbolicName
 * @param bundleVersion its Bundle-Version
 * @param upgrade {@code restart} or {@code carry-over}: what happens to its containers when it leaves
 * @param containers how many containers run on it now
 * @param state {@code Active} (serving), {@code Standby} (serving a runtime another provider of
 *     higher ranking serves), or {@code Incompatible} (it cannot resolve against this node's API)
 * @param message why, for a provider that is not Active, else empty
 * @since 1.2
 */
public record ProviderSnapshot(String runtime, long bundleId, String bundleName, String bundleVersion, String upgrade,
        int containers, String state, String message) {

    public static final String ACTIVE = "Active";
    public static final String STANDBY = "Standby";
    public static final String INCOMPATIBLE = "Incompatible";
}
