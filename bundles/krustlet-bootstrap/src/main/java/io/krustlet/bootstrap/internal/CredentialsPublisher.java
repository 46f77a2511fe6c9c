package io.krustlet.bootstrap.internal;

import java.nio.file.Path;

/** Tells the rest of the node that the client credentials are usable, or were renewed. */
interface CredentialsPublisher extends AutoCloseable {

    void publish(Path kubeconfig, IssuedCertificate clientCertificate);

    @Override
    void close();
}
