package io.krustlet.wagi;

import io.krustlet.api.ContainerExit;
import io.krustlet.api.ContainerHandle;
import io.krustlet.api.ContainerPort;
import io.krustlet.api.ContainerSpec;
import io.krustlet.api.ContainerStartException;
import io.krustlet.api.ContainerUsage;
import io.krustlet.wasm.DetachableOutputStream;
import io.krustlet.wasm.ExitMapper;
import java.io.IOException;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running wagi container: a Jetty server of its own, listening at each of the container's
 * ports, whose handler runs the module once per request. It is running while it listens.
 *
 * <p>Stopping (the kubelet's stop, or the provider going away) closes the listening sockets at
 * once, so the port is free again within milliseconds; requests in flight go on until they end
 * or the grace period does (later requests on open connections get 503 with
 * {@code Connection: close}); modules still running then are stopped and their requests get 503
 * or are cut off. Then the server stops and the exit is reported: exit code 0 when every request
 * in flight finished, 137 when some had to be cut off.
 */
final class WagiContainer implements ContainerHandle {

    private static final Logger LOG = LoggerFactory.getLogger(WagiContainer.class);
    /** What modules still running after the grace period get to unwind after their interrupt. */
    static final Duration KILL_WAIT = Duration.ofMillis(500);

    private final ContainerSpec spec;
    private final WagiHandler handler;
    private final Server server;
    private final List<ServerConnector> connectors;
    private final DetachableOutputStream stdout;
    private final DetachableOutputStream stderr;
    private final Clock clock;
    private final CompletableFuture<ContainerExit> exit = new CompletableFuture<>();
    private final Object stopLock = new Object();
    private Thread stopper; // guarded by stopLock
    private long stopDeadline; // System.nanoTime(); guarded by stopLock

    private WagiContainer(ContainerSpec spec, WagiHandler handler, Server server, List<ServerConnector> connectors,
            DetachableOutputStream stdout, DetachableOutputStream stderr, Clock clock) {
        this.spec = spec;
        this.handler = handler;
        this.server = server;
        this.connectors = connectors;
        this.stdout = stdout;
        this.stderr = stderr;
        this.clock = clock;
    }

    /**
     * Listens at every port of the container and starts answering.
     *
     * @param bindAddress the address to listen on
     * @throws ContainerStartException {@code CreateContainerError} when a port cannot be listened on
     *     (taken by another process or container, say), naming the address and port
     */
    static WagiContainer start(ContainerSpec spec, String bindAddress, WagiHandler handler, WagiSettings settings,
            ContainerSettings container, DetachableOutputStream stdout, DetachableOutputStream stderr, Clock clock)
            throws ContainerStartException {
        // every request runs a module on a server thread: the limit, plus the acceptor and selector of
        // each connector, plus a few to answer 503 and 404 while the limit is reached
        int ports = spec.ports().size();
        var threads = new QueuedThreadPool(container.maxConcurrency() + 2 * ports + 4, Math.min(4, 2 * ports + 1));
        threads.setName("wagi-" + spec.id().namespace() + "-" + spec.id().pod() + "-" + spec.id().container());
        threads.setDaemon(true);
        threads.setReservedThreads(0);
        var server = new Server(threads);
        server.setStopTimeout(0);
        var http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        List<ServerConnector> connectors = new ArrayList<>();
        for (ContainerPort port : spec.ports()) {
            var connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
            connector.setHost(bindAddress.isEmpty() ? null : bindAddress);
            connector.setPort(port.containerPort());
            connector.setIdleTimeout(settings.idleTimeout().toMillis());
            connector.setName(port.name().isEmpty() ? "port-" + port.containerPort() : port.name());
            server.addConnector(connector);
            connectors.add(connector);
        }
        server.setHandler(handler);
        try {
            server.start();
        } catch (Exception e) {
            stopQuietly(server);
            throw new ContainerStartException(ContainerStartException.CREATE_CONTAINER_ERROR,
                    "cannot listen on " + where(bindAddress, spec) + ": " + reason(e), e);
        }
        var started = new WagiContainer(spec, handler, server, connectors, stdout, stderr, clock);
        started.announce(container);
        return started;
    }

    private static String where(String bindAddress, ContainerSpec spec) {
        String host = bindAddress.isEmpty() ? "every interface" : bindAddress;
        return host + " port " + spec.ports().stream().map(p -> String.valueOf(p.containerPort()))
                .reduce((a, b) -> a + ", " + b).orElse("");
    }

    private static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return "the port is already in use (" + t.getMessage() + ")";
            }
        }
        return e.toString();
    }

    private void announce(ContainerSettings settings) {
        var urls = new StringBuilder();
        for (ServerConnector c : connectors) {
            String host = c.getHost() == null ? "0.0.0.0" : c.getHost();
            urls.append(urls.length() > 0 ? ", " : "").append("http://")
                    .append(host.contains(":") ? "[" + host + "]" : host).append(':').append(c.getLocalPort());
        }
        String line = "wagi: serving " + settings.route().text() + " on " + urls + " (timeout "
                + WagiHandler.format(settings.timeout()) + ", up to " + settings.maxConcurrency()
                + " requests at once)\n";
        LOG.info("Container {} {}", spec.id(), line.strip());
        try {
            stdout.write(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("Cannot write to the log of {}", spec.id(), e);
        }
    }

    /** The ports actually listened on (the same as the spec's, once started). */
    List<Integer> localPorts() {
        return connectors.stream().map(ServerConnector::getLocalPort).toList();
    }

    @Override
    public CompletionStage<ContainerExit> exit() {
        return exit;
    }

    /**
     * CPU time of the threads while they served this container's requests (module runs
     * included), the linear memory of the instances running now, and the requests served.
     */
    @Override
    public Optional<ContainerUsage> usage() {
        if (exit.isDone()) {
            return Optional.empty();
        }
        var metrics = handler.metrics();
        return Optional.of(new ContainerUsage(clock.instant(), metrics.cpuNanos(), handler.memoryBytes(),
                metrics.snapshot()));
    }

    RequestMetrics metrics() {
        return handler.metrics();
    }

    @Override
    public void stop(Duration gracePeriod) {
        Duration grace = gracePeriod == null || gracePeriod.isNegative() ? Duration.ZERO : gracePeriod;
        synchronized (stopLock) {
            long deadline = System.nanoTime() + grace.toNanos();
            if (stopper != null) {
                if (deadline - stopDeadline < 0) { // a shorter second stop (a force delete) cuts the wait short
                    stopDeadline = deadline;
                    stopLock.notifyAll();
                }
                return;
            }
            if (exit.isDone()) {
                return;
            }
            stopDeadline = deadline;
            handler.stopAccepting();
            closePorts();
            stopper = new Thread(this::drainAndStop, "wagi-stop-" + spec.id());
            stopper.setDaemon(true);
            stopper.start();
        }
    }

    /** The listening sockets close now; connections already open stay for what is in flight. */
    private void closePorts() {
        for (ServerConnector c : connectors) {
            try {
                c.shutdown();
                c.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing {} of {} failed", c.getName(), spec.id(), e);
            }
        }
    }

    private void drainAndStop() {
        boolean finished = false;
        long inFlight = handler.metrics().inFlight();
        try {
            while (true) {
                long deadline;
                synchronized (stopLock) {
                    deadline = stopDeadline;
                }
                if (handler.awaitIdle(Math.min(deadline, System.nanoTime() + 50_000_000L))) {
                    finished = true;
                    break;
                }
                synchronized (stopLock) {
                    if (System.nanoTime() - stopDeadline >= 0) {
                        break;
                    }
                }
            }
            if (!finished) {
                LOG.info("Container {}: {} requests still running at the end of the grace period; stopping them",
                        spec.id(), handler.metrics().inFlight());
                handler.killAll();
                handler.awaitIdle(System.nanoTime() + KILL_WAIT.toNanos());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopQuietly(server);
            stdout.detach();
            stderr.detach();
            ContainerExit result = finished
                    ? new ContainerExit(0, ContainerExit.COMPLETED, ExitMapper.STOPPED_MESSAGE + ": stopped listening; "
                            + (inFlight == 0 ? "no requests were in flight" : "the requests in flight finished"),
                            clock.instant())
                    : new ContainerExit(ExitMapper.KILLED_EXIT_CODE, ContainerExit.ERROR, ExitMapper.STOPPED_MESSAGE
                            + ": stopped listening; requests still running at the end of the grace period were cut off",
                            clock.instant());
            if (exit.complete(result)) {
                LOG.info("Container {} stopped ({} requests served)", spec.id(), handler.metrics().served());
            }
        }
    }

    private static void stopQuietly(Server server) {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.debug("Stopping a wagi server failed", e);
        }
    }
}
