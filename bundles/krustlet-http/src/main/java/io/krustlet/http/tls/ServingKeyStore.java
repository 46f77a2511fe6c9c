package io.krustlet.http.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The serving certificate and key as the in-memory key store Jetty serves from. A pair whose key
 * does not belong to its certificate is refused: during a rotation the two files change one after
 * the other, and serving the new certificate with the old key would break every handshake.
 *
 * @param chain the certificate chain, leaf first
 */
public record ServingKeyStore(KeyStore keyStore, List<X509Certificate> chain) {

    /** The key store's and key's password; it never leaves memory. */
    public static final String PASSWORD = "krustlet";
    static final String ALIAS = "kubelet";

    public static ServingKeyStore load(Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        List<X509Certificate> chain = PemFiles.certificates(certFile);
        PrivateKey key = PemFiles.privateKey(keyFile);
        checkPair(chain.get(0), key);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(ALIAS, key, PASSWORD.toCharArray(), chain.toArray(X509Certificate[]::new));
        return new ServingKeyStore(store, chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    private static void checkPair(X509Certificate certificate, PrivateKey key) throws GeneralSecurityException {
        String algorithm = switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new GeneralSecurityException("Unsupported key algorithm " + key.getAlgorithm());
        };
        byte[] probe = "krustlet-key-check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(probe);
        if (!verifier.verify(signature)) {
            throw new GeneralSecurityException("The private key does not belong to the certificate "
                    + certificate.getSubjectX500Principal());
        }
    }
}
