package io.sightline.agent.core.instrument;

import io.sightline.agent.bridge.Slotted;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.field.FieldList;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.OpenedClassReader;

/**
 * Adds the agent's slot to a class being defined: the field {@value #FIELD} (private, transient,
 * synthetic, of type Object) and the bridge's {@link Slotted} interface, whose two methods read
 * and write it. Written with ASM on the class file as it passes, like the advice: four
 * instructions per method, no branch, so no stack map frames to compute.
 */
final class SlotWriter extends AsmVisitorWrapper.AbstractBase {
    static final SlotWriter INSTANCE = new SlotWriter();
    static final String FIELD = "sightline$slot";
    static final String INTERFACE = Slotted.class.getName().replace('.', '/');
    private static final String OBJECT = "Ljava/lang/Object;";

    private SlotWriter() {
    }

    /** Whether the loaded class {@code type} got the slot itself (not from a superclass). */
    static boolean declaredBy(Class<?> type) {
        for (Class<?> i : type.getInterfaces()) {
            if (i.getName().equals(Slotted.class.getName())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public ClassVisitor wrap(TypeDescription instrumentedType, ClassVisitor classVisitor, Implementation.Context context,
                             TypePool typePool, FieldList<FieldDescription.InDefinedShape> fields, MethodList<?> methods,
                             int writerFlags, int readerFlags) {
        return new Adding(classVisitor);
    }

    private static final class Adding extends ClassVisitor {
        private String owner;
        /** The class already implements the interface (its own code, or a second pass): nothing to add. */
        private boolean has;

        Adding(ClassVisitor next) {
            super(OpenedClassReader.ASM_API, next);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            owner = name;
            String[] all = interfaces == null ? new String[0] : interfaces;
            for (String i : all) {
                has |= INTERFACE.equals(i);
            }
            if (!has) {
                String[] more = new String[all.length + 1];
                System.arraycopy(all, 0, more, 0, all.length);
                more[all.length] = INTERFACE;
                all = more;
                if (signature != null) {
                    // a generic class's signature lists its interfaces too
                    signature = signature + "L" + INTERFACE + ";";
                }
            }
            super.visit(version, access, name, signature, superName, all);
        }

        @Override
        public void visitEnd() {
            if (!has) {
                FieldVisitor f = super.visitField(Opcodes.ACC_PRIVATE | Opcodes.ACC_TRANSIENT | Opcodes.ACC_SYNTHETIC,
                        FIELD, OBJECT, null, null);
                if (f != null) {
                    f.visitEnd();
                }
                MethodVisitor get = super.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNTHETIC, FIELD, "()" + OBJECT, null, null);
                if (get != null) {
                    get.visitCode();
                    get.visitVarInsn(Opcodes.ALOAD, 0);
                    get.visitFieldInsn(Opcodes.GETFIELD, owner, FIELD, OBJECT);
                    get.visitInsn(Opcodes.ARETURN);
                    get.visitMaxs(1, 1);
                    get.visitEnd();
                }
                MethodVisitor set = super.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNTHETIC, FIELD, "(" + OBJECT + ")V", null, null);
                if (set != null) {
                    set.visitCode();
                    set.visitVarInsn(Opcodes.ALOAD, 0);
                    set.visitVarInsn(Opcodes.ALOAD, 1);
                    set.visitFieldInsn(Opcodes.PUTFIELD, owner, FIELD, OBJECT);
                    set.visitInsn(Opcodes.RETURN);
                    set.visitMaxs(2, 2);
                    set.visitEnd();
                }
            }
            super.visitEnd();
        }
    }
}
