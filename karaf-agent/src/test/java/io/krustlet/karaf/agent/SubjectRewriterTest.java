package io.krustlet.karaf.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;

/**
 * The agent's rewrite on classes shaped like Karaf 4.4's ({@code org.apache.karaf.util.jaas.JaasHelper},
 * a shell that asks {@code Subject.getSubject}): what the rewritten bytecode calls, and that the
 * rewritten classes, loaded and run on this JDK, see the subject of a {@code doAs}, also on threads
 * made inside it, as Karaf's shell expects of its pipeline threads. The build runs this on Java 17
 * and on Java 25 (profile java25-tests), where the original classes fail with "getSubject is not
 * supported" and a subject in an {@code AccessControlContext} is lost.
 */
class SubjectRewriterTest {

    private static final String PROBE = "org.apache.karaf.krustlettest.ShellProbe";
    private static final String HELPER = "org.apache.karaf.util.jaas.JaasHelper";

    private static byte[] classfile(String name) throws IOException {
        try (InputStream in = SubjectRewriterTest.class.getResourceAsStream("/" + name.replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    private static List<String> calls(byte[] classfile) {
        var node = new ClassNode();
        new ClassReader(classfile).accept(node, 0);
        List<String> calls = new ArrayList<>();
        node.methods.forEach(m -> m.instructions.forEach(i -> {
            if (i instanceof MethodInsnNode call) {
                calls.add(call.owner + "." + call.name);
            }
        }));
        return calls;
    }

    @Test
    void getSubjectAndDoAsCallsGoToSubjects() throws Exception {
        List<String> calls = calls(SubjectRewriter.rewrite(PROBE.replace('.', '/'), classfile(PROBE)));
        assertThat(calls).contains("io/krustlet/karaf/agent/Subjects.getSubject", "io/krustlet/karaf/agent/Subjects.doAs")
                .doesNotContain("javax/security/auth/Subject.getSubject", "javax/security/auth/Subject.doAs")
                .as("other calls stay").contains("org/apache/karaf/util/jaas/JaasHelper.doAs");
    }

    @Test
    void jaasHelperDoAsBecomesSubjectsDoAs() throws Exception {
        List<String> calls = calls(SubjectRewriter.rewrite(HELPER.replace('.', '/'), classfile(HELPER)));
        assertThat(calls).containsOnly("io/krustlet/karaf/agent/Subjects.doAs", "java/lang/Object.<init>");
    }

    @Test
    void classesOutsideKarafAndClassesWithoutSubjectAreLeftAlone() throws Exception {
        assertThat(SubjectRewriter.rewrite("com/example/ShellProbe", classfile(PROBE))).isNull();
        assertThat(SubjectRewriter.rewrite("org/apache/karaf/Other", classfile(SubjectRewriterTest.class.getName())))
                .isNull();
        assertThat(SubjectRewriter.rewrite("org/apache/karaf/Broken", "not a class javax/security/auth/Subject".getBytes()))
                .as("an unparsable class stays as it is").isNull();
    }

    @Test
    void rewrittenClassesSeeTheSubjectOfADoAsAlsoOnThreadsMadeInside() throws Throwable {
        ClassLoader rewritten = new RewritingLoader(getClass().getClassLoader());
        Method underHelper = rewritten.loadClass(PROBE).getMethod("underJaasHelper", Subject.class);
        Method underDoAs = rewritten.loadClass(PROBE).getMethod("underSubjectDoAs", Subject.class);
        Method current = rewritten.loadClass(PROBE).getMethod("current");
        Subject subject = new Subject();
        assertThat((Subject[]) invoke(underHelper, subject)).containsExactly(subject, subject);
        Subject other = new Subject();
        assertThat((Subject[]) invoke(underDoAs, other)).containsExactly(other, other);
        assertThat(invoke(current)).as("outside any doAs").isNull();
    }

    private static Object invoke(Method method, Object... args) throws Throwable {
        try {
            return method.invoke(null, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Loads the probe classes itself, rewritten as the agent would; the rest from its parent. */
    private static final class RewritingLoader extends ClassLoader {
        RewritingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(PROBE) && !name.equals(HELPER)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    try {
                        byte[] original = classfile(name);
                        byte[] changed = SubjectRewriter.rewrite(name.replace('.', '/'), original);
                        byte[] bytes = changed != null ? changed : original;
                        loaded = defineClass(name, bytes, 0, bytes.length);
                    } catch (IOException e) {
                        throw new ClassNotFoundException(name, e);
                    }
                }
                return loaded;
            }
        }
    }
}
