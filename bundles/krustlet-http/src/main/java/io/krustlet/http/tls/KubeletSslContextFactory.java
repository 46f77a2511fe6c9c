package io.krustlet.http.tls;

import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.CRL;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * Jetty's server TLS setup for the kubelet: TLS 1.2 and 1.3, a client certificate requested but
 * not required. Whatever certificate a client presents is let through the handshake and verified
 * by the authenticator against the client CA, as the kubelet does: an untrusted certificate then
 * falls back to the bearer token instead of failing the connection, and a new client CA applies
 * without rebuilding the TLS context.
 */
public final class KubeletSslContextFactory extends SslContextFactory.Server {

    private final Supplier<X509Certificate[]> acceptedIssuers;

    /** @param acceptedIssuers the client CAs, named to clients in the certificate request */
    public KubeletSslContextFactory(ServingKeyStore serving, Supplier<X509Certificate[]> acceptedIssuers) {
        this.acceptedIssuers = acceptedIssuers;
        setKeyStore(serving.keyStore());
        setKeyStorePassword(ServingKeyStore.PASSWORD);
        setKeyManagerPassword(ServingKeyStore.PASSWORD);
        setIncludeProtocols("TLSv1.3", "TLSv1.2");
        setWantClientAuth(true);
        setNeedClientAuth(false);
    }

    @Override
    protected TrustManager[] getTrustManagers(KeyStore trustStore, Collection<? extends CRL> crls) {
        return new TrustManager[] {new VerifiedLaterTrustManager(acceptedIssuers)};
    }

    /** Accepts every client chain at the TLS layer; {@code ClientCertificateAuthenticator} decides. */
    private static final class VerifiedLaterTrustManager extends X509ExtendedTrustManager {
        private final Supplier<X509Certificate[]> issuers;

        VerifiedLaterTrustManager(Supplier<X509Certificate[]> issuers) {
            this.issuers = issuers;
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            throw new UnsupportedOperationException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            throw new UnsupportedOperationException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            throw new UnsupportedOperationException("server side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return issuers.get();
        }
    }
}
