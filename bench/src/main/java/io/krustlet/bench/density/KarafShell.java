package io.krustlet.bench.density;

import java.io.IOException;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;

/**
 * The node's Karaf shell over SSH, with Apache MINA SSHD (the library of Karaf's own SSH server).
 * Each command is what {@code ssh -p <sshPort> karaf@node command} or {@code bin/client command}
 * does: a new session, password authentication, one exec channel (Karaf ends the session after an
 * exec command), so its time includes the SSH handshake and login.
 */
final class KarafShell implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private final SshClient client;
    private final int port;
    private final String user;
    private final String password;

    KarafShell(int port, String user, String password) {
        this.port = port;
        this.user = user;
        this.password = password;
        client = SshClient.setUpDefaultClient();
        // the node's host key is made at its first start, on this machine: nothing to verify it against
        client.setServerKeyVerifier((session, address, key) -> true);
        client.start();
    }

    /** Runs one command in a session of its own and returns its output; throws when it fails. */
    String run(String command) throws IOException {
        try (ClientSession session = client.connect(user, "127.0.0.1", port).verify(TIMEOUT).getSession()) {
            session.addPasswordIdentity(password);
            session.auth().verify(TIMEOUT);
            return session.executeRemoteCommand(command);
        }
    }

    @Override
    public void close() throws IOException {
        client.stop();
    }
}
