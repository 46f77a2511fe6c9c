package io.krustlet.http.auth;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Remembers decisions as the kubelet's webhook authorizer does: allowed for five minutes, denied
 * for thirty seconds (configurable), keyed by user, groups, verb, resource and subresource.
 * Failures to decide are not remembered.
 */
public final class CachingAuthorizer implements Authorizer {

    private record Key(String user, List<String> groups, String verb, String resource, String subresource) {
    }

    private final Authorizer delegate;
    private final Duration allowedTtl;
    private final Duration deniedTtl;
    private final TtlCache<Key, Boolean> decisions;

    public CachingAuthorizer(Authorizer delegate, Duration allowedTtl, Duration deniedTtl, Clock clock) {
        this.delegate = delegate;
        this.allowedTtl = allowedTtl;
        this.deniedTtl = deniedTtl;
        this.decisions = new TtlCache<>(clock, 10_000);
    }

    @Override
    public boolean allowed(RequestAttributes request) throws ReviewException {
        Key key = new Key(request.user().name(), request.user().groups(), request.verb(), request.resource(),
                request.subresource());
        Boolean known = decisions.get(key);
        if (known != null) {
            return known;
        }
        boolean allowed = delegate.allowed(request);
        decisions.put(key, allowed, allowed ? allowedTtl : deniedTtl);
        return allowed;
    }
}
