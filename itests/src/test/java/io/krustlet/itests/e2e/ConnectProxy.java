package io.krustlet.itests.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An HTTP CONNECT proxy on 127.0.0.1 that a node's kubeconfig names ({@code proxy-url}), so that
 * the test can take the API server away from that node and give it back, as an API server restart
 * does, without touching the control plane. TLS stays end to end (the proxy only relays the
 * tunnel's bytes), so the node checks the API server's certificate as usual. {@link #stop}
 * refuses new connections and cuts the open ones (watches included); {@link #start} listens
 * again on the same port.
 */
final class ConnectProxy implements AutoCloseable {

    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;
    private int port;

    /** Listens on a free port of 127.0.0.1. */
    ConnectProxy() throws IOException {
        start();
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    synchronized void start() throws IOException {
        if (listener != null) {
            return;
        }
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        port = socket.getLocalPort();
        listener = socket;
        Thread accept = new Thread(() -> acceptAll(socket), "connect-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    synchronized void stop() {
        ServerSocket socket = listener;
        listener = null;
        if (socket != null) {
            closeQuietly(socket);
        }
        open.forEach(ConnectProxy::closeQuietly);
        open.clear();
    }

    @Override
    public void close() {
        stop();
    }

    private void acceptAll(ServerSocket socket) {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                open.add(client);
                Thread tunnel = new Thread(() -> tunnel(client), "connect-proxy-tunnel");
                tunnel.setDaemon(true);
                tunnel.start();
            } catch (IOException e) {
                return; // stopped
            }
        }
    }

    /** Reads {@code CONNECT host:port HTTP/1.1} and its headers, connects, answers 200, relays. */
    private void tunnel(Socket client) {
        try {
            InputStream in = client.getInputStream();
            String request = readHead(in);
            String[] line = request.split("\r\n", 2)[0].split(" ");
            if (line.length < 2 || !"CONNECT".equals(line[0])) {
                client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                closeQuietly(client);
                return;
            }
            int colon = line[1].lastIndexOf(':');
            Socket server = new Socket(line[1].substring(0, colon), Integer.parseInt(line[1].substring(colon + 1)));
            open.add(server);
            client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            Thread up = new Thread(() -> relay(in, outputOf(server), client, server), "connect-proxy-up");
            up.setDaemon(true);
            up.start();
            relay(server.getInputStream(), client.getOutputStream(), client, server);
        } catch (IOException | RuntimeException e) {
            closeQuietly(client);
        }
    }

    private static OutputStream outputOf(Socket socket) {
        try {
            return socket.getOutputStream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void relay(InputStream from, OutputStream to, Socket a, Socket b) {
        try {
            from.transferTo(to);
        } catch (IOException e) {
            // one side went away (or the proxy was stopped)
        } finally {
            closeQuietly(a);
            closeQuietly(b);
            open.remove(a);
            open.remove(b);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0 || head.length() > 16 * 1024) {
                throw new IOException("no complete CONNECT request");
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException e) {
            // closing is all that is wanted
        }
    }
}
