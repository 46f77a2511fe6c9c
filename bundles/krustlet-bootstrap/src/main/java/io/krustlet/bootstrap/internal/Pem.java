package io.krustlet.bootstrap.internal;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * PEM in and out with BouncyCastle, through the JDK's own providers (no BouncyCastle provider is
 * registered: the node's other bundles keep the JDK's). EC keys are written as SEC1
 * {@code EC PRIVATE KEY}, which both the kubelet and fabric8's kubeconfig loader read.
 */
final class Pem {

    private Pem() {
    }

    static String encode(Object... objects) {
        var out = new StringWriter();
        try (var writer = new JcaPEMWriter(out)) {
            for (Object object : objects) {
                writer.writeObject(object);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return out.toString();
    }

    /**
     * An EC key as SEC1 {@code EC PRIVATE KEY} with its curve and public key, as the kubelet and
     * openssl write it (the JDK's own encoding leaves both out, and readers need the curve);
     * other keys as PKCS#8.
     */
    static String encodeKey(PrivateKey key, PublicKey publicKey) {
        if (key instanceof ECPrivateKey ec) {
            var algorithm = PrivateKeyInfo.getInstance(key.getEncoded()).getPrivateKeyAlgorithm();
            var curve = ASN1ObjectIdentifier.getInstance(algorithm.getParameters());
            var publicBits = SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()).getPublicKeyData();
            try {
                var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
                        publicBits, curve);
                return encode(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            } catch (IOException e) {
                throw new UncheckedIOException(e); // encoding in memory does not fail
            }
        }
        return encode(key);
    }

    static String encode(List<X509Certificate> chain) {
        return encode(chain.toArray());
    }

    /** Every certificate in the text, in order; at least one. */
    static List<X509Certificate> certificates(String pem) throws BadCertificateException {
        List<X509Certificate> certificates = new ArrayList<>();
        try (var parser = new PEMParser(new StringReader(pem))) {
            var converter = new JcaX509CertificateConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new BadCertificateException("is not valid PEM (" + e.getMessage() + ")");
        }
        if (certificates.isEmpty()) {
            throw new BadCertificateException("holds no PEM certificate");
        }
        return certificates;
    }

    /** The first private key in the text (SEC1, PKCS#1 or unencrypted PKCS#8). */
    static PrivateKey privateKey(String pem) throws BadCertificateException {
        try (var parser = new PEMParser(new StringReader(pem))) {
            var converter = new JcaPEMKeyConverter();
            for (Object object = parser.readObject(); object != null; object = parser.readObject()) {
                if (object instanceof PEMKeyPair pair) {
                    // the private part only: SEC1 keys written from a JDK key carry no public key
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (object instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new BadCertificateException("private key is not valid PEM (" + e.getMessage() + ")");
        }
        throw new BadCertificateException("holds no PEM private key");
    }
}
