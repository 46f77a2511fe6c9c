package io.krustlet.http;

import java.security.cert.X509Certificate;

/** {@link TestPki} for tests in other packages. */
public final class TestPkiAccess {

    private final TestPki pki;

    public TestPkiAccess(String name) throws Exception {
        pki = new TestPki(name);
    }

    public X509Certificate caCertificate() {
        return pki.ca.certificate();
    }

    public X509Certificate client(String subject) throws Exception {
        return pki.client(subject).certificate();
    }

    public X509Certificate server(String cn) throws Exception {
        return pki.server(cn).certificate();
    }
}
