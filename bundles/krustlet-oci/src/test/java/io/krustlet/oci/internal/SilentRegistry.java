package io.krustlet.oci.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A "registry" that accepts connections and never answers: what a registry behind a broken
 * proxy or a hung storage backend looks like to the node. For tests here and in other modules
 * (via the test-jar).
 */
public final class SilentRegistry implements AutoCloseable {

    private final ServerSocket server;
    private final List<Socket> held = new CopyOnWriteArrayList<>();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();

    private SilentRegistry(ServerSocket server) {
        this.server = server;
        Thread acceptor = new Thread(this::acceptLoop, "silent-registry");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Listens on 127.0.0.1 on a free port. */
    public static SilentRegistry start() throws IOException {
        return new SilentRegistry(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
    }

    /** {@code 127.0.0.1:<port>}, to use as an (insecure) registry host. */
    public String host() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    /** How many connections it has accepted. */
    public int accepted() {
        return accepted.get();
    }

    /** How many of those the client has closed (the node gave up on them). */
    public int closedByClient() {
        return closedByClient.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                held.add(socket);
                accepted.incrementAndGet();
                Thread reader = new Thread(() -> drain(socket), "silent-registry-conn");
                reader.setDaemon(true);
                reader.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Reads what the client sends, never answers, and notices when the client hangs up. */
    private void drain(Socket socket) {
        try (var in = socket.getInputStream()) {
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // swallow the request
            }
            closedByClient.incrementAndGet();
        } catch (IOException e) {
            // closed by close()
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : held) {
            s.close();
        }
    }
}
