package io.krustlet.oci;

import java.util.Objects;

/**
 * A user name and password (or token) for one registry, from an imagePullSecret or the node's
 * configuration.
 *
 * @param registry the registry host[:port] the credential is for ({@code docker.io} for Hub)
 * @param username the user name
 * @param password the password or token
 */
public record RegistryCredential(String registry, String username, String password) {
    public RegistryCredential {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
        return "RegistryCredential[" + registry + ", " + username + ", ****]";
    }
}
