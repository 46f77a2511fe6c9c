package io.krustlet.bootstrap.internal;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestConditionBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

/**
 * Plays the controller manager: reads the CSRs in the mock API server and approves (signing them
 * with its own CA), denies, or answers them with a bad certificate. Approval goes through
 * updateStatus: the mock crashes on fabric8's approve().
 */
final class TestCsrController {

    /** A CSR with its PKCS#10 request parsed. */
    record Request(String name, String signer, List<String> usages, String commonName, String organization,
            List<String> dnsNames, List<String> ips, PublicKey publicKey, PKCS10CertificationRequest pkcs10) {
    }

    private final KubernetesClient client;
    private final Clock clock;
    private final KeyPair caKey = CertificateRequests.newKey();
    private final X509Certificate ca;
    private final AtomicLong serials = new AtomicLong(1000);

    TestCsrController(KubernetesClient client, Clock clock) throws Exception {
        this.client = client;
        this.clock = clock;
        Instant now = clock.instant();
        var name = new X500Name("CN=test-cluster-ca");
        var builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now.minusSeconds(3600)),
                Date.from(now.plus(Duration.ofDays(3650))), name, caKey.getPublic())
                .addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
    }

    X509Certificate ca() {
        return ca;
    }

    /** Every CSR, oldest first. */
    List<Request> requests() throws Exception {
        List<Request> requests = new ArrayList<>();
        var items = new ArrayList<>(client.certificates().v1().certificateSigningRequests().list().getItems());
        items.sort(Comparator.comparing(c -> c.getMetadata().getCreationTimestamp() == null ? ""
                : c.getMetadata().getCreationTimestamp()));
        for (CertificateSigningRequest csr : items) {
            requests.add(parse(csr));
        }
        return requests;
    }

    /** The CSRs nobody answered yet. */
    List<Request> pending() throws Exception {
        List<Request> pending = new ArrayList<>();
        for (Request request : requests()) {
            var csr = get(request.name());
            if (csr.getStatus() == null || csr.getStatus().getConditions() == null
                    || csr.getStatus().getConditions().isEmpty()) {
                pending.add(request);
            }
        }
        return pending;
    }

    /** Signs the request for {@code lifetime} from now (by the test's clock) and approves it. */
    X509Certificate approve(String name, Duration lifetime) throws Exception {
        Request request = parse(get(name));
        X509Certificate certificate = sign(request.pkcs10(), request.publicKey(), lifetime);
        answer(name, "Approved", "AutoApproved", "approved by the test",
                new String(Base64.getEncoder().encode(Pem.encode(certificate, ca).getBytes(StandardCharsets.US_ASCII)),
                        StandardCharsets.US_ASCII));
        return certificate;
    }

    /** Approves with a certificate for another key (a signer bug, or a mix-up). */
    void approveWithForeignKey(String name) throws Exception {
        Request request = parse(get(name));
        X509Certificate certificate = sign(request.pkcs10(), CertificateRequests.newKey().getPublic(),
                Duration.ofHours(1));
        answer(name, "Approved", "AutoApproved", "", base64(Pem.encode(certificate)));
    }

    /**
     * Approves with a certificate signed by someone else from the request's PKCS#10 (a signer that
     * is not this class, such as openssl playing kube-controller-manager).
     *
     * @param sign turns the request's PEM into the issued certificate's PEM
     */
    void approveWith(String name, java.util.function.Function<String, String> sign) throws Exception {
        String certificate = sign.apply(Pem.encode(parse(get(name)).pkcs10()));
        answer(name, "Approved", "AutoApproved", "approved by the test", base64(certificate));
    }

    void approveWithGarbage(String name) {
        answer(name, "Approved", "AutoApproved", "", base64("-----BEGIN CERTIFICATE-----\nnot base64 at all!\n"
                + "-----END CERTIFICATE-----\n"));
    }

    void deny(String name) {
        answer(name, "Denied", "PolicyViolation", "node name not allowed", null);
    }

    private void answer(String name, String type, String reason, String message, String certificate) {
        var csr = get(name);
        var status = new CertificateSigningRequestStatus();
        status.setConditions(List.of(new CertificateSigningRequestConditionBuilder().withType(type).withStatus("True")
                .withReason(reason).withMessage(message).build()));
        status.setCertificate(certificate);
        csr.setStatus(status);
        client.certificates().v1().certificateSigningRequests().resource(csr).updateStatus();
    }

    private CertificateSigningRequest get(String name) {
        return client.certificates().v1().certificateSigningRequests().withName(name).get();
    }

    private X509Certificate sign(PKCS10CertificationRequest pkcs10, PublicKey publicKey, Duration lifetime)
            throws Exception {
        Instant now = clock.instant();
        var builder = new JcaX509v3CertificateBuilder(new X500Name(ca.getSubjectX500Principal().getName()),
                BigInteger.valueOf(serials.incrementAndGet()), Date.from(now), Date.from(now.plus(lifetime)),
                pkcs10.getSubject(), publicKey);
        var extensions = pkcs10.getRequestedExtensions();
        if (extensions != null && extensions.getExtension(Extension.subjectAlternativeName) != null) {
            builder.addExtension(extensions.getExtension(Extension.subjectAlternativeName));
        }
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKey.getPrivate())));
    }

    private static Request parse(CertificateSigningRequest csr) throws Exception {
        String pem = new String(Base64.getDecoder().decode(csr.getSpec().getRequest()), StandardCharsets.US_ASCII);
        PKCS10CertificationRequest pkcs10;
        try (var parser = new PEMParser(new StringReader(pem))) {
            pkcs10 = (PKCS10CertificationRequest) parser.readObject();
        }
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        var extensions = pkcs10.getRequestedExtensions();
        if (extensions != null) {
            GeneralNames names = GeneralNames.fromExtensions(extensions, Extension.subjectAlternativeName);
            if (names != null) {
                for (GeneralName name : names.getNames()) {
                    if (name.getTagNo() == GeneralName.dNSName) {
                        dns.add(name.getName().toString());
                    } else if (name.getTagNo() == GeneralName.iPAddress) {
                        byte[] raw = org.bouncycastle.asn1.DEROctetString.getInstance(name.getName()).getOctets();
                        ips.add(java.net.InetAddress.getByAddress(raw).getHostAddress());
                    }
                }
            }
        }
        return new Request(csr.getMetadata().getName(), csr.getSpec().getSignerName(), csr.getSpec().getUsages(),
                rdn(pkcs10.getSubject(), BCStyle.CN), rdn(pkcs10.getSubject(), BCStyle.O), dns, ips,
                new JcaPKCS10CertificationRequest(pkcs10).getPublicKey(), pkcs10);
    }

    private static String rdn(X500Name name, org.bouncycastle.asn1.ASN1ObjectIdentifier type) {
        var rdns = name.getRDNs(type);
        return rdns.length == 0 ? null : IETFUtils.valueToString(rdns[0].getFirst().getValue());
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }
}
