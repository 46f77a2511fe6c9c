package io.krustlet.http.tls;

import io.krustlet.bootstrap.NodeIdentity;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving certificate of a node without TLS bootstrap: self-signed, ECDSA P-256, valid for a
 * year, naming the node's addresses and host name (what the kubelet does without
 * {@code --tls-cert-file}). Clients must then trust it explicitly or skip verification, as the
 * API server does for kubelets by default.
 */
public final class SelfSignedCertificate {

    private static final Logger LOG = LoggerFactory.getLogger(SelfSignedCertificate.class);
    static final Duration VALIDITY = Duration.ofDays(365);

    private SelfSignedCertificate() {
    }

    /**
     * Writes a new key and certificate to the two files when neither exists.
     *
     * @throws IllegalStateException when only one of them exists: that is somebody else's
     *     half-written pair, not ours to overwrite
     */
    public static void createIfAbsent(Path certFile, Path keyFile, String hostName, Collection<String> ips)
            throws IOException, GeneralSecurityException {
        boolean cert = Files.exists(certFile);
        boolean key = Files.exists(keyFile);
        if (cert && key) {
            return;
        }
        if (cert || key) {
            throw new IllegalStateException("Serving certificate incomplete: " + (cert ? certFile : keyFile)
                    + " exists but " + (cert ? keyFile : certFile) + " does not");
        }
        KeyPair pair = newKeyPair();
        X509Certificate certificate = create(pair, hostName, ips, Instant.now());
        // the key first: a watcher that sees the certificate must find its key
        PemFiles.write(keyFile, PemFiles.encode(pair.getPrivate()), true);
        PemFiles.write(certFile, PemFiles.encode(certificate), false);
        LOG.info("Generated a self-signed serving certificate {} for {} (SHA-256 fingerprint {})", certFile,
                certificate.getSubjectAlternativeNames(), PemFiles.fingerprint(certificate));
    }

    static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return generator.generateKeyPair();
    }

    static X509Certificate create(KeyPair pair, String hostName, Collection<String> ips, Instant now)
            throws GeneralSecurityException, IOException {
        X500Name subject = new X500Name("CN=" + hostName + "@" + now.getEpochSecond());
        var builder = new JcaX509v3CertificateBuilder(subject, new BigInteger(63, new SecureRandom()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(hostName, ips));
        try {
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate());
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private static GeneralNames subjectAltNames(String hostName, Collection<String> ips) {
        Set<String> dns = new LinkedHashSet<>(List.of(hostName, "localhost"));
        Set<String> addresses = new LinkedHashSet<>(ips);
        addresses.add("127.0.0.1");
        List<GeneralName> names = new ArrayList<>();
        dns.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
        addresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    /**
     * The configured node addresses (comma-separated, {@link NodeIdentity#addresses}), else every
     * address of this machine's interfaces that are up.
     */
    public static List<String> nodeAddresses(String configured) {
        if (!NodeIdentity.addresses(configured).isEmpty()) {
            return NodeIdentity.addresses(configured);
        }
        List<String> found = new ArrayList<>();
        try {
            var interfaces = java.net.NetworkInterface.getNetworkInterfaces();
            while (interfaces.hasMoreElements()) {
                var nic = interfaces.nextElement();
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : java.util.Collections.list(nic.getInetAddresses())) {
                    if (!address.isLinkLocalAddress()) {
                        found.add(address.getHostAddress().replaceFirst("%.*$", ""));
                    }
                }
            }
        } catch (java.net.SocketException e) {
            LOG.warn("Cannot list this machine's addresses ({}); the certificate names only the host", e.toString());
        }
        return found;
    }
}
