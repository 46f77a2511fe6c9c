package io.krustlet.karaf.agent;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;

/**
 * Lets Karaf 4.4 run on Java 24 and later. JEP 486 removed the Security Manager there:
 * {@code Subject.getSubject(AccessControlContext)} always throws
 * {@code UnsupportedOperationException}, and an {@code AccessControlContext} built with a
 * {@code SubjectDomainCombiner} no longer carries the subject. Karaf 4.4's shell relies on both:
 * {@code ShellUtil.getCurrentUserName()} (every new shell session, SSH or local console),
 * {@code SecuredSessionFactoryImpl.currentUserHasRole} (the command ACLs), {@code JaasHelper}
 * (role checks, {@code doAs}) and {@code jaas:whoami}. Without this agent a Karaf 4.4 shell on
 * Java 25 fails with "getSubject is not supported" and no SSH or console session opens.
 *
 * <p>{@link SubjectRewriter} rewrites those classes as they load: their {@code Subject.getSubject}
 * and {@code Subject.doAs} calls, and the body of {@code JaasHelper.doAs}, go to {@link Subjects},
 * which answers with {@code Subject.current()} (what Karaf 4.5 uses) and carries the subject of a
 * {@code doAs} over to the threads created inside it, as the {@code AccessControlContext} did. Only
 * classes in {@code org.apache.karaf} are touched, and only on Java 24 and later.
 * {@code bin/setenv} adds the agent ({@code -javaagent:lib/krustlet-karaf-agent.jar}) on those
 * JDKs; {@code etc/custom.properties} boot-delegates its package so Karaf's bundles see
 * {@link Subjects}.
 */
public final class SubjectAgent {

    /** The first Java release where getSubject always throws. */
    static final int FIRST_JAVA = 24;

    private SubjectAgent() {
    }

    /** Called by the JVM before Karaf's main class ({@code -javaagent}). */
    public static void premain(String args, Instrumentation instrumentation) {
        if (Runtime.version().feature() < FIRST_JAVA) {
            return;
        }
        instrumentation.addTransformer(new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String className, Class<?> redefined,
                    ProtectionDomain domain, byte[] classfile) {
                return SubjectRewriter.rewrite(className, classfile);
            }
        });
    }
}
