package io.krustlet.bootstrap.internal;

import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequest;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestBuilder;
import io.fabric8.kubernetes.api.model.certificates.v1.CertificateSigningRequestCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Creates {@code certificates.k8s.io/v1} CertificateSigningRequests and reads back their state. */
final class CsrRequester {

    /** Creates the CSR; fails (KubernetesClientException) when the API server refuses or is away. */
    void submit(KubernetesClient client, String name, String pkcs10Pem, String signerName, List<String> usages) {
        CertificateSigningRequest csr = new CertificateSigningRequestBuilder()
                .withNewMetadata().withName(name).endMetadata()
                .withNewSpec()
                .withRequest(Base64.getEncoder().encodeToString(pkcs10Pem.getBytes(StandardCharsets.US_ASCII)))
                .withSignerName(signerName)
                .withUsages(usages)
                .endSpec()
                .build();
        client.certificates().v1().certificateSigningRequests().resource(csr).create();
    }

    CsrStatus status(KubernetesClient client, String name) {
        CertificateSigningRequest csr = client.certificates().v1().certificateSigningRequests().withName(name).get();
        if (csr == null) {
            return new CsrStatus.Gone();
        }
        var status = csr.getStatus();
        boolean approved = false;
        if (status != null && status.getConditions() != null) {
            for (CertificateSigningRequestCondition condition : status.getConditions()) {
                if (!"False".equalsIgnoreCase(condition.getStatus())) {
                    switch (condition.getType()) {
                        case "Denied", "Failed" -> {
                            return new CsrStatus.Rejected(condition.getType(), condition.getReason(),
                                    condition.getMessage());
                        }
                        case "Approved" -> approved = true;
                        default -> { }
                    }
                }
            }
        }
        if (approved && status.getCertificate() != null && !status.getCertificate().isEmpty()) {
            return new CsrStatus.Issued(decode(status.getCertificate()));
        }
        return new CsrStatus.Pending(approved);
    }

    /** status.certificate is base64 bytes in the API; the bytes are PEM. */
    private static String decode(String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.US_ASCII);
        } catch (IllegalArgumentException e) {
            return base64; // not base64: handed on as is, the PEM check reports it
        }
    }
}
