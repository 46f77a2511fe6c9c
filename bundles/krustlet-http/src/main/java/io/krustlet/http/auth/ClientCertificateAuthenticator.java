package io.krustlet.http.auth;

import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Client certificates as the kubelet takes them: the chain must lead to a client CA and the leaf
 * must allow client authentication; the user is the subject's CN, the groups its O values.
 * Verified chains are remembered for a minute (keep-alive clients send the same one all the time).
 */
public final class ClientCertificateAuthenticator {

    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
    private static final String ANY_USAGE = "2.5.29.37.0";

    private final ClientCaBundle cas;
    private final Clock clock;
    private final TtlCache<List<X509Certificate>, Optional<UserInfo>> verified;
    private volatile Set<TrustAnchor> cachedFor;

    public ClientCertificateAuthenticator(ClientCaBundle cas, Clock clock) {
        this.cas = cas;
        this.clock = clock;
        this.verified = new TtlCache<>(clock, 1000);
    }

    /** The user of a verified chain, or empty when it does not verify against the client CAs. */
    public Optional<UserInfo> authenticate(X509Certificate[] chain) {
        if (chain == null || chain.length == 0 || cas.isEmpty()) {
            return Optional.empty();
        }
        Set<TrustAnchor> anchors = cas.anchors();
        if (anchors != cachedFor) {
            verified.clear();
            cachedFor = anchors;
        }
        List<X509Certificate> key = List.of(chain);
        Optional<UserInfo> known = verified.get(key);
        if (known != null) {
            return known;
        }
        Optional<UserInfo> user = verify(chain, anchors) ? Optional.of(userOf(chain[0])) : Optional.empty();
        verified.put(key, user, Duration.ofMinutes(1));
        return user;
    }

    private boolean verify(X509Certificate[] chain, Set<TrustAnchor> anchors) {
        try {
            if (!allowsClientAuth(chain[0])) {
                return false;
            }
            // a client may send its CA along; PKIX wants the path without the anchor
            List<X509Certificate> path = new ArrayList<>(List.of(chain[0]));
            for (X509Certificate c : Arrays.asList(chain).subList(1, chain.length)) {
                if (anchors.stream().noneMatch(a -> c.equals(a.getTrustedCert()))) {
                    path.add(c);
                }
            }
            var params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(java.util.Date.from(clock.instant()));
            CertPathValidator.getInstance("PKIX")
                    .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean allowsClientAuth(X509Certificate leaf) throws GeneralSecurityException {
        List<String> usages = leaf.getExtendedKeyUsage();
        return usages == null || usages.contains(CLIENT_AUTH) || usages.contains(ANY_USAGE);
    }

    static UserInfo userOf(X509Certificate leaf) {
        X500Name subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
        String name = first(subject.getRDNs(BCStyle.CN));
        List<String> groups = new ArrayList<>();
        for (RDN rdn : subject.getRDNs(BCStyle.O)) {
            for (var value : rdn.getTypesAndValues()) {
                if (value.getType().equals(BCStyle.O)) {
                    groups.add(string(value.getValue()));
                }
            }
        }
        return UserInfo.authenticated(name, "", groups, Map.of());
    }

    private static String first(RDN[] rdns) {
        return rdns.length == 0 ? "" : string(rdns[0].getFirst().getValue());
    }

    private static String string(ASN1Encodable value) {
        return value instanceof ASN1String text ? text.getString() : IETFUtils.valueToString(value);
    }
}
