package io.krustlet.bootstrap.internal;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When a certificate is renewed: at a random point between 70 % and 90 % of its lifetime, as the
 * kubelet's certificate manager does, so that a fleet of nodes bootstrapped together does not
 * renew together.
 */
final class RotationSchedule {

    static final double EARLIEST = 0.7;
    static final double LATEST = 0.9;

    private final RandomGenerator random;

    RotationSchedule(RandomGenerator random) {
        this.random = random;
    }

    Instant renewAt(X509Certificate certificate) {
        Instant notBefore = certificate.getNotBefore().toInstant();
        Duration lifetime = Duration.between(notBefore, certificate.getNotAfter().toInstant());
        double fraction = EARLIEST + (LATEST - EARLIEST) * random.nextDouble();
        return notBefore.plusMillis((long) (lifetime.toMillis() * fraction));
    }
}
