package io.krustlet.karaf.agent;

import java.nio.charset.StandardCharsets;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The rewrite {@link SubjectAgent} applies to Karaf's classes; pure (bytes in, bytes out), so it
 * is tested on any JDK. In classes of {@code org.apache.karaf}:
 *
 * <ul>
 *   <li>calls of {@code Subject.getSubject(AccessControlContext)}, {@code Subject.doAs(Subject,
 *       PrivilegedAction)} and {@code Subject.doAs(Subject, PrivilegedExceptionAction)} call the
 *       methods of the same shape in {@link Subjects} instead;</li>
 *   <li>the bodies of {@code org.apache.karaf.util.jaas.JaasHelper.doAs} (both shapes; a copy of
 *       the class is embedded in several Karaf bundles), which bind the subject through an
 *       {@code AccessControlContext} with a {@code SubjectDomainCombiner}, become
 *       {@code return Subjects.doAs(subject, action)}.</li>
 * </ul>
 *
 * <p>Every replacement has the descriptor of what it replaces, so stack heights, frames and
 * maxima stay as they are.
 */
final class SubjectRewriter {

    static final String SUBJECT = "javax/security/auth/Subject";
    static final String SUBJECTS = Subjects.class.getName().replace('.', '/');
    static final String GET_SUBJECT = "(Ljava/security/AccessControlContext;)Ljavax/security/auth/Subject;";
    static final String DO_AS = "(Ljavax/security/auth/Subject;Ljava/security/PrivilegedAction;)Ljava/lang/Object;";
    static final String DO_AS_EXCEPTION =
            "(Ljavax/security/auth/Subject;Ljava/security/PrivilegedExceptionAction;)Ljava/lang/Object;";
    static final String JAAS_HELPER = "org/apache/karaf/util/jaas/JaasHelper";
    private static final byte[] SUBJECT_BYTES = SUBJECT.getBytes(StandardCharsets.US_ASCII);

    private SubjectRewriter() {
    }

    /**
     * The rewritten class, or null when it needs no change (a transformer's "no change"). Never
     * throws: a class it cannot parse is left as it is, and said so on stderr.
     */
    static byte[] rewrite(String className, byte[] classfile) {
        if (className == null || !className.startsWith("org/apache/karaf/") || !contains(classfile, SUBJECT_BYTES)) {
            return null;
        }
        boolean helper = className.equals(JAAS_HELPER);
        try {
            ClassReader reader = new ClassReader(classfile);
            ClassWriter writer = new ClassWriter(reader, 0);
            boolean[] changed = new boolean[1];
            reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
                @Override
                public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                        String[] exceptions) {
                    MethodVisitor target = super.visitMethod(access, name, descriptor, signature, exceptions);
                    if (helper && name.equals("doAs") && (access & Opcodes.ACC_STATIC) != 0 && isDoAs(descriptor)) {
                        changed[0] = true;
                        delegate(target, descriptor);
                        return null; // the original body is dropped
                    }
                    return new MethodVisitor(Opcodes.ASM9, target) {
                        @Override
                        public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean itf) {
                            if (opcode == Opcodes.INVOKESTATIC && owner.equals(SUBJECT) && replaced(method, desc)) {
                                changed[0] = true;
                                super.visitMethodInsn(opcode, SUBJECTS, method, desc, false);
                            } else {
                                super.visitMethodInsn(opcode, owner, method, desc, itf);
                            }
                        }
                    };
                }
            }, 0);
            return changed[0] ? writer.toByteArray() : null;
        } catch (RuntimeException e) {
            System.err.println("krustlet-karaf-agent: cannot rewrite " + className + ": " + e);
            return null;
        }
    }

    private static boolean replaced(String method, String descriptor) {
        return method.equals("getSubject") && descriptor.equals(GET_SUBJECT) || method.equals("doAs") && isDoAs(descriptor);
    }

    private static boolean isDoAs(String descriptor) {
        return descriptor.equals(DO_AS) || descriptor.equals(DO_AS_EXCEPTION);
    }

    /** {@code return Subjects.doAs(subject, action);} with the same descriptor. */
    private static void delegate(MethodVisitor method, String descriptor) {
        method.visitCode();
        method.visitVarInsn(Opcodes.ALOAD, 0);
        method.visitVarInsn(Opcodes.ALOAD, 1);
        method.visitMethodInsn(Opcodes.INVOKESTATIC, SUBJECTS, "doAs", descriptor, false);
        method.visitInsn(Opcodes.ARETURN);
        method.visitMaxs(2, 2);
        method.visitEnd();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
