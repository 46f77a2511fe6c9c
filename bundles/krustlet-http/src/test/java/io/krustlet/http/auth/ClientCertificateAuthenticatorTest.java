package io.krustlet.http.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.krustlet.http.tls.PemFiles;
import java.security.cert.X509Certificate;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class ClientCertificateAuthenticatorTest {

    @Test
    void userIsTheCnAndGroupsAreTheOrganizations() throws Exception {
        var pki = new io.krustlet.http.TestPkiAccess("ca");
        var other = new io.krustlet.http.TestPkiAccess("other-ca");
        var authenticator = new ClientCertificateAuthenticator(
                ClientCaBundle.fromPem(PemFiles.encode(pki.caCertificate())), Clock.systemUTC());
        X509Certificate client = pki.client("CN=system:kube-apiserver-kubelet-client,O=system:masters,O=team");
        assertThat(authenticator.authenticate(new X509Certificate[] {client})).hasValueSatisfying(user -> {
            assertThat(user.name()).isEqualTo("system:kube-apiserver-kubelet-client");
            assertThat(user.groups()).containsExactly("system:masters", "team", "system:authenticated");
        });
        assertThat(authenticator.authenticate(new X509Certificate[] {other.client("CN=mallory")})).isEmpty();
        assertThat(authenticator.authenticate(new X509Certificate[] {pki.server("not-a-client")})).isEmpty();
    }
}
