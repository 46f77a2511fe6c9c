package io.krustlet.bootstrap.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/** New keys and the PKCS#10 requests for them, as the kubelet makes them (ECDSA P-256). */
final class CertificateRequests {

    static final String NODES_GROUP = "system:nodes";

    private CertificateRequests() {
    }

    static KeyPair newKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make ECDSA P-256 keys", e);
        }
    }

    static String nodeCommonName(String nodeName) {
        return "system:node:" + nodeName;
    }

    /**
     * A PEM certificate request with subject CN=system:node:&lt;node&gt;, O=system:nodes and, when
     * given, the DNS and IP subject alternative names.
     */
    static String pkcs10(KeyPair key, String nodeName, List<String> dnsNames, List<String> ips) throws IOException {
        var subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, NODES_GROUP)
                .addRDN(BCStyle.CN, nodeCommonName(nodeName))
                .build();
        var builder = new JcaPKCS10CertificationRequestBuilder(subject, key.getPublic());
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(dns -> names.add(new GeneralName(GeneralName.dNSName, dns)));
        for (String ip : ips) {
            // only literal addresses: getByName would resolve a host name
            if (!ip.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
                throw new IOException("nodeIP " + ip + " is not an IP address");
            }
            names.add(new GeneralName(GeneralName.iPAddress, InetAddress.getByName(ip).getHostAddress()));
        }
        if (!names.isEmpty()) {
            var extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        try {
            var signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key.getPrivate());
            return Pem.encode(builder.build(signer));
        } catch (OperatorCreationException e) {
            throw new IOException("cannot sign the certificate request: " + e.getMessage(), e);
        }
    }
}
