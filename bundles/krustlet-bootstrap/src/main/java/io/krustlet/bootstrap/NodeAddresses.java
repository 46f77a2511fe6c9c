package io.krustlet.bootstrap;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.Collections;

/**
 * The node's address when the configuration gives none: its InternalIP (the core) and the address
 * its serving certificate names (the TLS bootstrap) must be the same one, so both ask here.
 */
public final class NodeAddresses {

    private NodeAddresses() {
    }

    /**
     * The address this machine uses to reach the API server: the one the API server (and the
     * pods it proxies to) can reach it back at. A UDP connect sends nothing; it only asks the
     * routing table. Falls back to the first non-loopback IPv4 address, then to loopback.
     */
    public static String detect(String configured, String apiServerUrl) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        try {
            URI uri = URI.create(apiServerUrl);
            int port = uri.getPort() > 0 ? uri.getPort() : 443;
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), port));
                InetAddress local = socket.getLocalAddress();
                if (local != null && !local.isAnyLocalAddress()) {
                    return local.getHostAddress();
                }
            }
        } catch (IOException | IllegalArgumentException | NullPointerException e) {
            // fall through to the interfaces
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && !address.isLinkLocalAddress()) {
                        return address.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through
        }
        return InetAddress.getLoopbackAddress().getHostAddress();
    }
}
