package io.krustlet.itests;

import io.krustlet.testapiserver.MockApiServer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Host side only: the mock API server the distribution joins. It lives as long as the test JVM.
 * Only strings cross into the container, so it never loads these types.
 */
final class ClusterFixture {

    private static MockApiServer server;

    private ClusterFixture() {
    }

    /** @return the server's URL and the kubeconfig pointing at it */
    static synchronized String[] start(Path work) throws Exception {
        if (server == null) {
            server = MockApiServer.start();
        }
        Files.createDirectories(work);
        Path kubeconfig = server.writeKubeconfig(work.resolve("kubeconfig-" + server.url().hashCode()));
        return new String[] {server.url(), kubeconfig.toString()};
    }
}
