package io.krustlet.bootstrap.internal;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one certificate of the node valid: finds it on disk or requests it with a CSR, waits for
 * the CSR to be approved and issued, puts it in place, and renews it at its rotation deadline.
 * Every failure (API server away, CSR denied, a certificate that is not PEM or not for our key)
 * is logged and tried again with back-off: the node never goes down over its certificates.
 * All steps run on the scheduler's single thread.
 */
final class CertificateKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CertificateKeeper.class);

    private final CertificateKind kind;
    private final CsrRequester requester;
    private final Scheduler scheduler;
    private final Clock clock;
    private final Timing timing;
    private final RotationSchedule rotation;
    private final boolean rotate;
    /**
     * Between attempts to get a certificate in place: a new CSR follows a failure only after the
     * next step of this back-off, and it starts over only once a certificate is in place and
     * usable. Never reset by anything less, or a certificate the node cannot use (a denial, a
     * foreign key, a kubeconfig it cannot read back) would make a CSR per poll.
     */
    private final Backoff requestBackoff;
    /** Between reads of a CSR the API server did not answer; a read that works starts it over. */
    private final Backoff pollBackoff;

    private Scheduler.Cancellable next;
    private boolean closed;
    private volatile Waiting waiting;
    /** The deadline drawn for a certificate is kept: drawing again at every check would move it. */
    private String deadlineSerial;
    private Instant deadline;

    /** A CSR we made and wait for, with the key it is for. */
    private record Waiting(KubernetesClient client, String name, KeyPair key, Instant since, Instant lastReport) {
        Waiting reported(Instant now) {
            return new Waiting(client, name, key, since, now);
        }
    }

    CertificateKeeper(CertificateKind kind, CsrRequester requester, Scheduler scheduler, Clock clock, Timing timing,
            RotationSchedule rotation, boolean rotate) {
        this.kind = kind;
        this.requester = requester;
        this.scheduler = scheduler;
        this.clock = clock;
        this.timing = timing;
        this.rotation = rotation;
        this.rotate = rotate;
        this.requestBackoff = new Backoff(timing.backoffInitial(), timing.backoffMax());
        this.pollBackoff = new Backoff(timing.backoffInitial(), timing.backoffMax());
    }

    void start() {
        schedule(this::check, Duration.ZERO);
    }

    /** Is the certificate in place good for now? Then wait for its deadline; else request one. */
    private void check() {
        Optional<IssuedCertificate> current = kind.current();
        if (current.isPresent()) {
            IssuedCertificate certificate = current.get();
            Instant renewAt = deadlineOf(certificate);
            Instant now = clock.instant();
            if (now.isBefore(renewAt)) {
                requestBackoff.reset();
                kind.ready(certificate);
                LOG.info("The node's {} ({}) is in place; {} at {}", kind.description(), certificate.describe(),
                        rotate ? "renewal" : "rotateCertificates is off: a new one is requested when it expires,",
                        renewAt);
                schedule(this::check, Duration.between(now, renewAt));
                return;
            }
            LOG.info("The node's {} ({}) is due for renewal: requesting a new one", kind.description(),
                    certificate.describe());
        }
        request();
    }

    private Instant deadlineOf(IssuedCertificate certificate) {
        if (!certificate.serial().equals(deadlineSerial)) {
            deadlineSerial = certificate.serial();
            deadline = rotate ? rotation.renewAt(certificate.leaf()) : certificate.notAfter();
        }
        return deadline;
    }

    private void request() {
        KubernetesClient client = null;
        try {
            client = kind.apiClient();
            KeyPair key = CertificateRequests.newKey();
            String name = kind.csrName(key);
            requester.submit(client, name, kind.pkcs10(key, client), kind.signerName(), kind.usages());
            Instant now = clock.instant();
            waiting = new Waiting(client, name, key, now, now);
            LOG.info("Requested the node's {} with CertificateSigningRequest {} (signer {}); waiting for it to be"
                    + " approved and issued", kind.description(), name, kind.signerName());
            kind.approvalHint(name).ifPresent(LOG::warn);
            schedule(this::poll, timing.pollInterval());
        } catch (IOException | KubernetesClientException e) {
            if (client != null) {
                client.close();
            }
            retry("Cannot request the node's " + kind.description() + ": " + describe(e, client));
        }
    }

    private void poll() {
        Waiting csr = waiting;
        CsrStatus status;
        try {
            status = requester.status(csr.client(), csr.name());
        } catch (KubernetesClientException e) {
            // the CSR may still be approved meanwhile: keep waiting for the same one
            Duration delay = pollBackoff.next();
            LOG.warn("Cannot read CertificateSigningRequest {} for the node's {}: {}; trying again in {}", csr.name(),
                    kind.description(), describe(e, csr.client()), Durations.human(delay));
            schedule(this::poll, delay);
            return;
        }
        pollBackoff.reset();
        if (status instanceof CsrStatus.Pending pending) {
            stillPending(csr, pending.approved());
        } else if (status instanceof CsrStatus.Issued issued) {
            issued(csr, issued.certificatePem());
        } else if (status instanceof CsrStatus.Rejected rejected) {
            abandon();
            retry("CertificateSigningRequest " + csr.name() + " for the node's " + kind.description() + " was "
                    + rejected.condition().toLowerCase(java.util.Locale.ROOT) + " (reason: " + rejected.reason()
                    + ", message: " + rejected.message() + "); a new request with a new key follows");
        } else {
            abandon();
            retry("CertificateSigningRequest " + csr.name() + " for the node's " + kind.description()
                    + " was deleted before it was issued; a new request follows");
        }
    }

    private void stillPending(Waiting csr, boolean approved) {
        Instant now = clock.instant();
        if (!Duration.between(csr.lastReport(), now).minus(timing.progressEvery()).isNegative()) {
            waiting = csr.reported(now);
            String waited = Durations.human(Duration.between(csr.since(), now));
            if (approved) {
                LOG.info("CertificateSigningRequest {} for the node's {} is approved; waiting for the signer {} to"
                        + " issue it ({} so far)", csr.name(), kind.description(), kind.signerName(), waited);
            } else {
                LOG.info("CertificateSigningRequest {} for the node's {} still waits for approval ({} so far)",
                        csr.name(), kind.description(), waited);
                kind.approvalHint(csr.name()).ifPresent(LOG::warn);
            }
        }
        schedule(this::poll, timing.pollInterval());
    }

    private void issued(Waiting csr, String pem) {
        abandon();
        IssuedCertificate certificate;
        try {
            certificate = IssuedCertificate.of(csr.key().getPrivate(), Pem.certificates(pem));
            if (certificate.expiredAt(clock.instant())) {
                throw new BadCertificateException("expired at " + certificate.notAfter());
            }
        } catch (BadCertificateException e) {
            retry("The certificate issued for CertificateSigningRequest " + csr.name() + " (the node's "
                    + kind.description() + ") " + e.getMessage() + "; a new request with a new key follows");
            return;
        }
        try {
            kind.store(certificate);
        } catch (IOException e) {
            retry("Cannot write the node's " + kind.description() + " issued for CertificateSigningRequest "
                    + csr.name() + ": " + e);
            return;
        }
        Optional<IssuedCertificate> stored = kind.current();
        if (stored.isEmpty() || !stored.get().serial().equals(certificate.serial())) {
            // what was written cannot be read back as usable: asking again at once would loop
            retry("The node's " + kind.description() + " issued for CertificateSigningRequest " + csr.name()
                    + " was written but is not usable when read back; a new request with a new key follows");
            return;
        }
        LOG.info("CertificateSigningRequest {} was issued: the node's {} is in place ({})", csr.name(),
                kind.description(), certificate.describe());
        check();
    }

    private void retry(String problem) {
        Duration delay = requestBackoff.next();
        LOG.error("{}; trying again in {}", problem, Durations.human(delay));
        schedule(this::check, delay);
    }

    private void abandon() {
        if (waiting != null) {
            waiting.client().close();
            waiting = null;
        }
    }

    private synchronized void schedule(Runnable step, Duration delay) {
        if (closed) {
            return;
        }
        next = scheduler.schedule(() -> {
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
            try {
                step.run();
            } catch (RuntimeException e) {
                // a bug must not end the keeping: log it and start over later
                abandon();
                retry("Unexpected failure while keeping the node's " + kind.description() + ": " + e);
            }
        }, delay.isNegative() ? Duration.ZERO : delay);
    }

    private static String describe(Exception e, KubernetesClient client) {
        if (e instanceof KubernetesClientException k) {
            if (k.getCode() > 0) {
                return "the API server answered " + k.getCode() + ": " + k.getMessage();
            }
            // no answer at all: name the server and the lowest cause that says why (refused, timed out...)
            Throwable why = k;
            for (Throwable cause = k.getCause(); cause != null && cause != why; cause = cause.getCause()) {
                why = cause;
                if (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException
                        || cause instanceof java.net.http.HttpTimeoutException) {
                    break;
                }
            }
            String server = client == null ? "" : " " + client.getConfiguration().getMasterUrl();
            String reason = why.getMessage() != null ? why.getMessage()
                    : why instanceof java.net.ConnectException ? "connection refused" : why.getClass().getSimpleName();
            return "API server" + server + " unreachable (" + reason + ")";
        }
        return e.getMessage();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (next != null) {
            next.cancel();
        }
        abandon();
    }
}
