package io.krustlet.bench.density;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/**
 * The node's Karaf shell over SSH, with Apache MINA SSHD (the library of Karaf's own SSH server),
 * two ways:
 *
 * <ul>
 *   <li>{@link #run}: what {@code ssh -p <sshPort> karaf@node command} or {@code bin/client command}
 *       does: a new session, password authentication, one exec channel (Karaf ends the session
 *       after it), so its time includes the SSH handshake and the login;</li>
 *   <li>{@link #console()}: an operator's open console (a shell channel), where each command is
 *       typed and its output read up to the next prompt.</li>
 * </ul>
 */
final class KarafShell implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** The end of Karaf's prompt, "karaf@root()> " (with colour codes around "karaf"). */
    private static final String PROMPT = "@root()>";
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

    private ClientSession login() throws IOException {
        ClientSession session = client.connect(user, "127.0.0.1", port).verify(TIMEOUT).getSession();
        session.addPasswordIdentity(password);
        session.auth().verify(TIMEOUT);
        return session;
    }

    /** Runs one command in a session of its own and returns its output; throws when it fails. */
    String run(String command) throws IOException {
        try (ClientSession session = login()) {
            return session.executeRemoteCommand(command);
        }
    }

    /** An open console: one session, one shell channel, commands typed one after another. */
    Console console() throws IOException, InterruptedException {
        return new Console(login());
    }

    /** An interactive Karaf console over one SSH shell channel. */
    final class Console implements AutoCloseable {
        private final ClientSession session;
        private final ChannelShell channel;
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();
        private final OutputStream input;

        private Console(ClientSession session) throws IOException, InterruptedException {
            this.session = session;
            channel = session.createShellChannel();
            channel.setOut(new OutputStream() {
                @Override
                public void write(int b) {
                    synchronized (output) {
                        output.write(b);
                        output.notifyAll();
                    }
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    synchronized (output) {
                        output.write(b, off, len);
                        output.notifyAll();
                    }
                }
            });
            channel.setRedirectErrorStream(true);
            channel.open().verify(TIMEOUT);
            input = channel.getInvertedIn();
            awaitPrompt(0, "");
        }

        /**
         * Types {@code command} and waits for its output, recognised by {@code expected}, and the
         * prompt after it; throws when they do not come within a minute.
         */
        void type(String command, String expected) throws IOException, InterruptedException {
            int from;
            synchronized (output) {
                from = output.size();
            }
            input.write((command + "\n").getBytes(StandardCharsets.UTF_8));
            input.flush();
            awaitPrompt(from, expected);
        }

        /** Waits until {@code expected} arrived after {@code from}, followed by a prompt. */
        private void awaitPrompt(int from, String expected) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            synchronized (output) {
                while (true) {
                    String text = output.toString(StandardCharsets.UTF_8);
                    String since = text.substring(Math.min(from, text.length()));
                    int answer = since.indexOf(expected);
                    if (answer >= 0 && since.indexOf(PROMPT, answer) >= 0) {
                        return;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || channel.isClosed()) {
                        throw new IOException("no '" + expected + "' and prompt after: " + since.strip());
                    }
                    output.wait(Math.max(1, left / 1_000_000));
                }
            }
        }

        @Override
        public void close() throws IOException {
            channel.close(false).await(TIMEOUT);
            channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), TIMEOUT);
            session.close();
        }
    }

    @Override
    public void close() throws IOException {
        client.stop();
    }
}
