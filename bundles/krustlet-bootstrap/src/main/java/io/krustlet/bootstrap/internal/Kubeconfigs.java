package io.krustlet.bootstrap.internal;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;

/** Reading kubeconfigs into fabric8 clients, and writing the node's own. */
final class Kubeconfigs {

    private Kubeconfigs() {
    }

    /** The parsed kubeconfig; a clear IOException when it is missing or not a kubeconfig. */
    static Config load(Path kubeconfig) throws IOException {
        String content;
        try {
            content = Files.readString(kubeconfig);
        } catch (NoSuchFileException e) {
            throw new IOException(kubeconfig + " does not exist");
        }
        try {
            Config config = Config.fromKubeconfig(null, content, kubeconfig.toString());
            if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
                throw new IOException(kubeconfig + " names no API server");
            }
            return config;
        } catch (RuntimeException e) {
            throw new IOException(kubeconfig + " is not a usable kubeconfig: " + e.getMessage(), e);
        }
    }

    /**
     * A client; it contacts nobody until used. Requests fail fast (no fabric8 retries): the
     * keepers retry with their own back-off and log each failure.
     */
    static KubernetesClient client(Config config) {
        config.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(config).withHttpClientFactory(new JdkHttpClientFactory())
                .build();
    }

    /** The client certificate of a kubeconfig (embedded or a file), or null when it has none. */
    static String clientCertificatePem(Config config) throws IOException {
        return dataOrFile(config.getClientCertData(), config.getClientCertFile());
    }

    static String clientKeyPem(Config config) throws IOException {
        return dataOrFile(config.getClientKeyData(), config.getClientKeyFile());
    }

    /** The CA bundle (PEM) of the kubeconfig's cluster, or null when it relies on the JDK's. */
    static String caPem(Config config) throws IOException {
        return dataOrFile(config.getCaCertData(), config.getCaCertFile());
    }

    /**
     * The node's kubeconfig, laid out as the kubelet writes it (cluster default-cluster, user
     * default-auth). The client certificate and key are embedded rather than referenced as the
     * kubelet's kubelet-client-current.pem: fabric8 reads only the first PEM block of a file, so it
     * cannot take the key from a combined file, and two separate files cannot be replaced together
     * atomically. One file, moved into place, is always a matching pair.
     */
    static String nodeKubeconfig(Config cluster, IssuedCertificate credentials) throws IOException {
        StringBuilder yaml = new StringBuilder()
                .append("apiVersion: v1\nkind: Config\nclusters:\n- name: default-cluster\n  cluster:\n")
                .append("    server: ").append(quote(stripSlash(cluster.getMasterUrl()))).append('\n');
        String ca = caPem(cluster);
        if (ca != null) {
            yaml.append("    certificate-authority-data: ").append(base64(ca)).append('\n');
        }
        if (cluster.isTrustCerts()) {
            yaml.append("    insecure-skip-tls-verify: true\n");
        }
        if (cluster.getTlsServerName() != null && !cluster.getTlsServerName().isBlank()) {
            yaml.append("    tls-server-name: ").append(quote(cluster.getTlsServerName())).append('\n');
        }
        return yaml.append("contexts:\n- name: default-context\n  context:\n    cluster: default-cluster\n")
                .append("    namespace: default\n    user: default-auth\n")
                .append("current-context: default-context\nusers:\n- name: default-auth\n  user:\n")
                .append("    client-certificate-data: ").append(base64(Pem.encode(credentials.chain()))).append('\n')
                .append("    client-key-data: ").append(base64(credentials.keyPem())).append('\n')
                .toString();
    }

    private static String dataOrFile(String data, String file) throws IOException {
        if (data != null && !data.isBlank()) {
            try {
                return new String(Base64.getMimeDecoder().decode(data.trim()), StandardCharsets.US_ASCII);
            } catch (IllegalArgumentException e) {
                throw new IOException("embedded certificate data is not base64");
            }
        }
        if (file != null && !file.isBlank()) {
            try {
                return Files.readString(Path.of(file));
            } catch (NoSuchFileException e) {
                throw new IOException(file + " does not exist");
            }
        }
        return null;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
