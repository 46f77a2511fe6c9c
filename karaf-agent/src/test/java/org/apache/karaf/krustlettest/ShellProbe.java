package org.apache.karaf.krustlettest;

import java.security.AccessController;
import java.security.PrivilegedAction;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.auth.Subject;
import org.apache.karaf.util.jaas.JaasHelper;

/**
 * What Karaf 4.4's shell does (test input for the agent's rewrite): run a session under
 * {@code JaasHelper.doAs} or {@code Subject.doAs}, ask {@code Subject.getSubject} for the user, also
 * on a thread made inside (the session's pipeline threads).
 */
@SuppressWarnings("removal")
public final class ShellProbe {

    private ShellProbe() {
    }

    public static Subject current() {
        return Subject.getSubject(AccessController.getContext());
    }

    /** The subject {@code current()} sees inside JaasHelper.doAs, and on a thread made there. */
    public static Subject[] underJaasHelper(Subject subject) throws InterruptedException {
        return JaasHelper.doAs(subject, (PrivilegedAction<Subject[]>) ShellProbe::hereAndOnANewThread);
    }

    /** The same under Subject.doAs. */
    public static Subject[] underSubjectDoAs(Subject subject) {
        return Subject.doAs(subject, (PrivilegedAction<Subject[]>) ShellProbe::hereAndOnANewThread);
    }

    private static Subject[] hereAndOnANewThread() {
        var seen = new AtomicReference<Subject>();
        Thread thread = new Thread(() -> seen.set(current()));
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new Subject[] {current(), seen.get()};
    }
}
