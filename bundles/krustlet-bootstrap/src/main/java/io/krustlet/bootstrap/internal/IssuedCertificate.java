package io.krustlet.bootstrap.internal;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * A certificate chain (leaf first) with the private key of its leaf; made only through
 * {@link #of}, which proves that the key belongs to the certificate (by the encoded public key,
 * whatever security provider loaded either: see {@link PublicKeyInfo}).
 */
record IssuedCertificate(PrivateKey key, List<X509Certificate> chain) {

    IssuedCertificate {
        chain = List.copyOf(chain);
    }

    static IssuedCertificate of(PrivateKey key, List<X509Certificate> chain) throws BadCertificateException {
        if (chain.isEmpty()) {
            throw new BadCertificateException("holds no certificate");
        }
        if (!PublicKeyInfo.matches(key, chain.get(0))) {
            throw new BadCertificateException("does not match the private key (certificate for another key)");
        }
        return new IssuedCertificate(key, chain);
    }

    X509Certificate leaf() {
        return chain.get(0);
    }

    /** The key as PEM (SEC1 for EC, with the curve and the certificate's public key). */
    String keyPem() {
        return Pem.encodeKey(key, leaf().getPublicKey());
    }

    Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    boolean expiredAt(Instant now) {
        return !now.isBefore(notAfter());
    }

    String serial() {
        return leaf().getSerialNumber().toString(16);
    }

    String describe() {
        return "serial " + serial() + ", subject " + leaf().getSubjectX500Principal().getName()
                + ", valid " + leaf().getNotBefore().toInstant() + " to " + notAfter();
    }

}
