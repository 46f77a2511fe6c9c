package io.krustlet.http;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.krustlet.core.status.KubeletPods;
import io.krustlet.http.api.KubeletHandler;
import io.krustlet.http.api.KubeletMetrics;
import io.krustlet.http.api.StatusSignal;
import io.krustlet.http.auth.ApiTokenReviewer;
import io.krustlet.http.auth.Authenticator;
import io.krustlet.http.auth.Authorizer;
import io.krustlet.http.auth.CachingAuthorizer;
import io.krustlet.http.auth.ClientCaBundle;
import io.krustlet.http.auth.ClientCertificateAuthenticator;
import io.krustlet.bootstrap.NodeKubeconfig;
import io.krustlet.http.auth.SubjectAccessReviewer;
import io.krustlet.http.tls.CertificateWatcher;
import io.krustlet.http.tls.KubeletSslContextFactory;
import io.krustlet.http.tls.SelfSignedCertificate;
import io.krustlet.http.tls.ServingKeyStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kubelet HTTPS API on Jetty 12: the serving certificate from files (self-signed when there
 * are none), reloaded when they change; client certificates and bearer tokens for authentication,
 * SubjectAccessReview for authorization when the node has a cluster. A configuration change
 * restarts the server (DS reactivates the component), as does a restart of the kubelet.
 */
@Component(configurationPid = HttpConfig.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL, service = {},
        immediate = true)
@Designate(ocd = HttpConfig.class)
public final class KubeletHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(KubeletHttpServer.class);
    private static final int MAX_THREADS = 200;

    private KubeletPods pods;
    private Map<String, ?> kubeletProperties = Map.of();
    private final Clock clock;
    private final StatusSignal signal = new StatusSignal();
    private volatile boolean stopping;
    private KubeletMetrics metrics;
    private KubernetesClient client;
    private Server server;
    private ServerConnector connector;
    private CertificateWatcher certificates;

    public KubeletHttpServer() {
        this(Clock.systemUTC());
    }

    KubeletHttpServer(Clock clock) {
        this.clock = clock;
    }

    /** The kubelet, and its configuration (published on its service) for the keys both share. */
    @Reference
    void bindPods(KubeletPods kubeletPods, Map<String, Object> properties) {
        this.pods = kubeletPods;
        this.kubeletProperties = Map.copyOf(properties);
    }

    @Activate
    void activate(HttpConfig config) throws Exception {
        HttpSettings settings;
        try {
            settings = HttpSettings.from(config, System.getenv(), systemProperties(), kubeletProperties);
        } catch (IllegalArgumentException e) {
            LOG.error("Invalid kubelet API configuration: {}", e.getMessage());
            throw e;
        }
        start(settings);
    }

    void start(HttpSettings settings) throws Exception {
        try {
            client = connect(settings);
            ClientCaBundle clientCas = clientCas(settings, client);
            SelfSignedCertificate.createIfAbsent(settings.tlsCertFile(), settings.tlsPrivateKeyFile(), hostName(),
                    SelfSignedCertificate.nodeAddresses(settings.nodeIP()));
            ServingKeyStore serving = ServingKeyStore.load(settings.tlsCertFile(), settings.tlsPrivateKeyFile());

            var authenticator = new Authenticator(new ClientCertificateAuthenticator(clientCas, clock),
                    client == null ? null : new ApiTokenReviewer(client, settings.authenticationTtl(), clock),
                    settings.anonymousAuth());
            Authorizer authorizer = client == null ? Authorizer.ALWAYS_ALLOW
                    : new CachingAuthorizer(new SubjectAccessReviewer(client), settings.authorizedTtl(),
                            settings.unauthorizedTtl(), clock);
            metrics = new KubeletMetrics(pods, clock);
            pods.addListener(metrics);
            pods.addListener(signal);

            var ssl = new KubeletSslContextFactory(serving, clientCas::certificates);
            server = newServer(settings, ssl);
            server.setHandler(new KubeletHandler(pods, authenticator, authorizer, metrics, signal, () -> stopping,
                    clock));
            server.start();
            certificates = new CertificateWatcher(settings.tlsCertFile(), settings.tlsPrivateKeyFile(), ssl);
            LOG.info("Kubelet API listening on https://{}:{} ({}; client certificates {}; anonymous {})",
                    settings.address(), connector.getLocalPort(),
                    client == null ? "standalone: client certificates only, authorized without an API server"
                            : "TokenReview and SubjectAccessReview at " + client.getConfiguration().getMasterUrl(),
                    clientCas.isEmpty() ? "not accepted (no client CA)" : "from the client CA",
                    settings.anonymousAuth() ? "allowed" : "refused");
        } catch (Exception | Error e) {
            deactivate();
            throw e;
        }
    }

    private Server newServer(HttpSettings settings, KubeletSslContextFactory ssl) {
        var threads = new QueuedThreadPool(MAX_THREADS, 8);
        threads.setName("krustlet-http");
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        var http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        var secure = new SecureRequestCustomizer();
        // the node is reached by IP address as often as by name; the certificate's SANs are the client's business
        secure.setSniHostCheck(false);
        http.addCustomizer(secure);
        connector = new ServerConnector(jetty, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(http));
        connector.setHost(settings.address());
        connector.setPort(settings.port());
        jetty.addConnector(connector);
        jetty.setStopTimeout(5_000);
        return jetty;
    }

    /** The port the server listens on (the configured one, or the one picked for port 0). */
    int port() {
        return connector.getLocalPort();
    }

    @Deactivate
    void deactivate() {
        stopping = true;
        signal.signal();
        if (certificates != null) {
            certificates.close();
            certificates = null;
        }
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                LOG.warn("Stopping the kubelet API failed: {}", e.toString());
            }
            server = null;
        }
        if (pods != null) {
            pods.removeListener(signal);
            if (metrics != null) {
                pods.removeListener(metrics);
            }
        }
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /**
     * A client for the node's cluster, or null standalone. A kubeconfig that cannot be used is an
     * error in the log and the API serves standalone (client certificates only), as the node runs.
     */
    private static KubernetesClient connect(HttpSettings settings) {
        try {
            Optional<Path> kubeconfig = NodeKubeconfig.locateExisting(settings.kubeconfig(), System.getenv(),
                    Path.of(System.getProperty("user.home")));
            if (kubeconfig.isEmpty()) {
                return null;
            }
            Config config = Config.fromKubeconfig(null, Files.readString(kubeconfig.get()), kubeconfig.get().toString());
            // a review must answer within a request's patience; the kubelet's webhook gives up after seconds too
            config.setRequestRetryBackoffLimit(1);
            config.setRequestTimeout(10_000);
            return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory())
                    .build();
        } catch (Exception e) {
            LOG.error("Cannot use the node's kubeconfig ({}); the kubelet API accepts client certificates only",
                    e.getMessage());
            return null;
        }
    }

    /** The configured bundle, else the CA the kubeconfig trusts the API server with (kubeadm signs both with it). */
    private static ClientCaBundle clientCas(HttpSettings settings, KubernetesClient client) throws Exception {
        if (settings.clientCAFile() != null) {
            return ClientCaBundle.fromFile(settings.clientCAFile());
        }
        if (client != null) {
            Config config = client.getConfiguration();
            if (config.getCaCertData() != null && !config.getCaCertData().isBlank()) {
                return ClientCaBundle.fromPem(new String(Base64.getMimeDecoder().decode(config.getCaCertData()),
                        StandardCharsets.US_ASCII));
            }
            if (config.getCaCertFile() != null && !config.getCaCertFile().isBlank()) {
                return ClientCaBundle.fromFile(Path.of(config.getCaCertFile()));
            }
        }
        LOG.warn("No client CA (clientCAFile unset and no CA in a kubeconfig): client certificates are not accepted");
        return ClientCaBundle.none();
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> props = new HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(k.toString(), v.toString()));
        return props;
    }
}
