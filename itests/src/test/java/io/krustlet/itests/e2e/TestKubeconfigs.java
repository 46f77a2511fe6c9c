package io.krustlet.itests.e2e;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedClusterBuilder;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Kubeconfigs for the extra nodes, made from the one the suite runs with ({@code KUBECONFIG}'s
 * first existing file, as kubectl reads it): its current context's cluster (server, CA, TLS
 * settings; file references made absolute, since the copy lives elsewhere) with the suite's own
 * user, or with a bootstrap token; optionally through a proxy.
 */
final class TestKubeconfigs {

    private TestKubeconfigs() {
    }

    static Path suiteKubeconfig() {
        String list = System.getenv("KUBECONFIG");
        if (list != null) {
            for (String file : list.split(File.pathSeparator)) {
                if (!file.isEmpty() && Files.isRegularFile(Path.of(file))) {
                    return Path.of(file).toAbsolutePath();
                }
            }
        }
        return Path.of(System.getProperty("user.home"), ".kube", "config");
    }

    private static Config load() throws IOException {
        Path file = suiteKubeconfig();
        Config config = Serialization.unmarshal(Files.readString(file), Config.class);
        Path base = file.getParent();
        for (NamedCluster cluster : config.getClusters()) {
            Cluster c = cluster.getCluster();
            c.setCertificateAuthority(absolute(base, c.getCertificateAuthority()));
        }
        for (NamedAuthInfo user : config.getUsers()) {
            AuthInfo u = user.getUser();
            u.setClientCertificate(absolute(base, u.getClientCertificate()));
            u.setClientKey(absolute(base, u.getClientKey()));
            u.setTokenFile(absolute(base, u.getTokenFile()));
        }
        return config;
    }

    private static String absolute(Path base, String file) {
        return file == null || file.isBlank() || Path.of(file).isAbsolute() ? file : base.resolve(file).toString();
    }

    private static NamedContext current(Config config) {
        return config.getContexts().stream().filter(c -> c.getName().equals(config.getCurrentContext())).findFirst()
                .orElseThrow(() -> new IllegalStateException("the kubeconfig " + suiteKubeconfig()
                        + " has no current context"));
    }

    private static Cluster currentCluster(Config config) {
        String name = current(config).getContext().getCluster();
        return config.getClusters().stream().filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("cluster " + name + " is not in " + suiteKubeconfig()))
                .getCluster();
    }

    /**
     * The suite's kubeconfig, reduced to its current context, reaching the API server through the
     * HTTP CONNECT proxy at {@code proxyUrl} ({@code http://host:port}). Written as
     * {@code https://host:port}: fabric8 (the node's client) takes a kubeconfig's proxy-url for an
     * https API server only when it says https, and still speaks plain HTTP CONNECT to it.
     */
    static Path throughProxy(Path target, String proxyUrl) throws IOException {
        Config config = load();
        NamedContext context = current(config);
        Cluster cluster = currentCluster(config);
        cluster.setProxyUrl(proxyUrl.replaceFirst("^http://", "https://"));
        NamedAuthInfo user = config.getUsers().stream().filter(u -> u.getName().equals(context.getContext().getUser()))
                .findFirst().orElseThrow(() -> new IllegalStateException("user " + context.getContext().getUser()
                        + " is not in " + suiteKubeconfig()));
        return write(target, cluster, user.getUser());
    }

    /** A bootstrap kubeconfig: the suite's cluster, a bootstrap token as its only credential. */
    static Path bootstrap(Path target, String token) throws IOException {
        AuthInfo user = new AuthInfo();
        user.setToken(token);
        return write(target, currentCluster(load()), user);
    }

    private static Path write(Path target, Cluster cluster, AuthInfo user) throws IOException {
        Config config = new Config();
        config.setApiVersion("v1");
        config.setKind("Config");
        config.setClusters(List.of(new NamedClusterBuilder().withName("cluster").withCluster(cluster).build()));
        config.setUsers(List.of(new NamedAuthInfoBuilder().withName("user").withUser(user).build()));
        config.setContexts(List.of(new NamedContextBuilder().withName("e2e").withNewContext()
                .withCluster("cluster").withUser("user").endContext().build()));
        config.setCurrentContext("e2e");
        Files.writeString(target, Serialization.asYaml(config));
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        return target;
    }
}
