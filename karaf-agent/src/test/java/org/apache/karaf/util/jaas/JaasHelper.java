package org.apache.karaf.util.jaas;

import java.security.AccessControlContext;
import java.security.AccessController;
import java.security.PrivilegedAction;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import javax.security.auth.Subject;
import javax.security.auth.SubjectDomainCombiner;

/**
 * The shape of Karaf 4.4's {@code JaasHelper.doAs} (test input for the agent's rewrite): the
 * subject goes into an {@code AccessControlContext}, which carries nothing on Java 24+.
 */
@SuppressWarnings("removal")
public final class JaasHelper {

    private JaasHelper() {
    }

    public static <T> T doAs(Subject subject, PrivilegedAction<T> action) {
        AccessControlContext context = new AccessControlContext(AccessController.getContext(),
                new SubjectDomainCombiner(subject));
        return AccessController.doPrivileged(action, context);
    }

    public static <T> T doAs(Subject subject, PrivilegedExceptionAction<T> action) throws PrivilegedActionException {
        AccessControlContext context = new AccessControlContext(AccessController.getContext(),
                new SubjectDomainCombiner(subject));
        return AccessController.doPrivileged(action, context);
    }
}
