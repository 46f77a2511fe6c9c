package io.krustlet.karaf.agent;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.security.AccessControlContext;
import java.security.PrivilegedAction;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import javax.security.auth.Subject;

/**
 * What Karaf's rewritten classes call instead of {@code Subject.getSubject} and
 * {@code Subject.doAs} (see {@link SubjectRewriter}). Karaf 4.4 was written for the
 * {@code AccessControlContext} world, where the subject of a {@code doAs} was also the subject of
 * every thread created inside it (a new thread inherited its creator's context): its shell runs a
 * command's pipeline on threads of the session's executor, made inside the session's
 * {@code doAs}. On Java 24+ {@code Subject.current()} is not inherited by new threads, so this
 * class keeps the subject of the innermost {@code doAs} in an {@link InheritableThreadLocal} as
 * well, which new threads inherit when they are created, as the context was.
 *
 * <p>Loaded from the agent's jar by the framework's class loader; Karaf's bundles reach it through
 * {@code org.osgi.framework.bootdelegation} ({@code etc/custom.properties}).
 */
public final class Subjects {

    private static final InheritableThreadLocal<Subject> INHERITED = new InheritableThreadLocal<>();
    /** {@code Subject.current()} (Java 18+), or null. */
    private static final MethodHandle CURRENT = current();

    private Subjects() {
    }

    private static MethodHandle current() {
        try {
            return MethodHandles.publicLookup().findStatic(Subject.class, "current", MethodType.methodType(Subject.class));
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /**
     * The subject of the innermost {@code doAs} on this thread, else the one this thread inherited
     * from its creator; null outside any. The context is ignored: it carries no subject any more.
     */
    public static Subject getSubject(AccessControlContext ignored) {
        Subject subject = null;
        if (CURRENT != null) {
            try {
                subject = (Subject) CURRENT.invokeExact();
            } catch (Throwable e) {
                subject = null;
            }
        }
        return subject != null ? subject : INHERITED.get();
    }

    /** {@code Subject.doAs}, also remembered for threads created inside {@code action}. */
    @SuppressWarnings("removal")
    public static <T> T doAs(Subject subject, PrivilegedAction<T> action) {
        Subject previous = INHERITED.get();
        INHERITED.set(subject);
        try {
            return Subject.doAs(subject, action);
        } finally {
            restore(previous);
        }
    }

    /** {@code Subject.doAs}, also remembered for threads created inside {@code action}. */
    @SuppressWarnings("removal")
    public static <T> T doAs(Subject subject, PrivilegedExceptionAction<T> action) throws PrivilegedActionException {
        Subject previous = INHERITED.get();
        INHERITED.set(subject);
        try {
            return Subject.doAs(subject, action);
        } finally {
            restore(previous);
        }
    }

    private static void restore(Subject previous) {
        if (previous == null) {
            INHERITED.remove();
        } else {
            INHERITED.set(previous);
        }
    }
}
