package io.krustlet.bootstrap.internal;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.security.KeyPair;
import java.util.List;
import java.util.Optional;

/** What differs between the node's client and serving certificates; the keeper does the rest. */
interface CertificateKind {

    /** "client certificate", "serving certificate": for the log. */
    String description();

    String signerName();

    List<String> usages();

    /** The certificate in place now and not expired, or empty (the reason is logged here). */
    Optional<IssuedCertificate> current();

    /** The credentials a request is made with: may differ from one request to the next. */
    KubernetesClient apiClient() throws IOException;

    /** The PEM certificate request for a new key; the client tells the API server's address. */
    String pkcs10(KeyPair key, KubernetesClient client) throws IOException;

    String csrName(KeyPair key);

    /** Puts an issued certificate in place, atomically. */
    void store(IssuedCertificate issued) throws IOException;

    /** A usable certificate is in place (found at start or just stored). */
    void ready(IssuedCertificate certificate);

    /** What a person must do for a CSR to be approved, or empty when the cluster does it. */
    default Optional<String> approvalHint(String csrName) {
        return Optional.empty();
    }
}
