package io.krustlet.bootstrap.internal;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * Whether a certificate is for a private key, decided on the DER of the SubjectPublicKeyInfo:
 * the certificate's as the signer encoded it, and the one the private key implies. Nothing here
 * asks a security provider, so the answer does not depend on which provider loaded the key or the
 * certificate: the JDK names an EC key's algorithm "EC", BouncyCastle's provider "ECDSA", and a
 * signer that is not BouncyCastle (kube-controller-manager signs with Go's crypto/x509, which copies
 * the CSR's public key as is) must be matched all the same.
 */
final class PublicKeyInfo {

    private PublicKeyInfo() {
    }

    /** Whether {@code certificate} carries the public half of {@code key}. */
    static boolean matches(PrivateKey key, X509Certificate certificate) throws BadCertificateException {
        return Arrays.equals(of(key), of(certificate));
    }

    /** The certificate's SubjectPublicKeyInfo, DER, as its issuer encoded it. */
    static byte[] of(X509Certificate certificate) throws BadCertificateException {
        try {
            return Certificate.getInstance(certificate.getEncoded()).getSubjectPublicKeyInfo()
                    .getEncoded(ASN1Encoding.DER);
        } catch (CertificateEncodingException | IOException | IllegalArgumentException e) {
            throw new BadCertificateException("has an unreadable public key (" + e.getMessage() + ")");
        }
    }

    /**
     * The SubjectPublicKeyInfo (DER) of the key's public half: for EC the public point the key
     * carries (SEC1's optional publicKey) or else d·G on its named curve; for RSA the modulus and
     * public exponent of the PKCS#1 key. Those are the kubelet's key types.
     *
     * @throws BadCertificateException another key type, or a key that is not valid PKCS#8
     */
    static byte[] of(PrivateKey key) throws BadCertificateException {
        byte[] encoded = key.getEncoded();
        if (encoded == null) {
            throw new BadCertificateException("has a private key that cannot be encoded (" + key.getAlgorithm() + ")");
        }
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(encoded);
            ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
            if (X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm)) {
                return ec(info);
            }
            if (PKCSObjectIdentifiers.rsaEncryption.equals(algorithm)) {
                RSAPrivateKey rsa = RSAPrivateKey.getInstance(info.parsePrivateKey());
                return new SubjectPublicKeyInfo(new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption,
                        DERNull.INSTANCE), new RSAPublicKey(rsa.getModulus(), rsa.getPublicExponent()))
                        .getEncoded(ASN1Encoding.DER);
            }
            throw new BadCertificateException("has a private key of type " + key.getAlgorithm() + " (" + algorithm
                    + "); the node uses EC or RSA keys");
        } catch (IOException | IllegalArgumentException | ClassCastException e) {
            throw new BadCertificateException("has a private key that is not valid PKCS#8 (" + e.getMessage() + ")");
        }
    }

    private static byte[] ec(PrivateKeyInfo info) throws IOException, BadCertificateException {
        var algorithm = info.getPrivateKeyAlgorithm();
        if (!(algorithm.getParameters() instanceof ASN1ObjectIdentifier curve)) {
            throw new BadCertificateException("has an EC private key without a named curve");
        }
        var sec1 = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        byte[] point;
        if (sec1.getPublicKey() != null) {
            point = sec1.getPublicKey().getOctets();
        } else {
            X9ECParameters parameters = ECNamedCurveTable.getByOID(curve);
            if (parameters == null) {
                throw new BadCertificateException("has an EC private key on an unknown curve " + curve);
            }
            point = parameters.getG().multiply(sec1.getKey()).normalize().getEncoded(false);
        }
        return new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), point)
                .getEncoded(ASN1Encoding.DER);
    }
}
