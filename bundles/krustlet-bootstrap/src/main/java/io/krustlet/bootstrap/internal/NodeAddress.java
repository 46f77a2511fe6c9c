package io.krustlet.bootstrap.internal;

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
 * The node's address when nodeIP is not configured, found as the core finds its InternalIP (its
 * NodeAddresses is private to the core): the address that reaches the API server, else the first
 * non-loopback IPv4, else loopback. The serving certificate must name the address the API server
 * reaches the kubelet at, which is the one the core reports.
 */
final class NodeAddress {

    private NodeAddress() {
    }

    static String detect(String apiServerUrl) {
        try {
            URI uri = URI.create(apiServerUrl);
            int port = uri.getPort() > 0 ? uri.getPort() : 443;
            try (DatagramSocket socket = new DatagramSocket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), port)); // asks the routing table; sends nothing
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
