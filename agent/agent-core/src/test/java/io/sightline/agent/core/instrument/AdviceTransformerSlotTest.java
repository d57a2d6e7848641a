package io.sightline.agent.core.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.sightline.agent.bridge.Slotted;
import net.bytebuddy.agent.ByteBuddyAgent;

/** The slot an instrumentation asks for: when a class gets it, and what it gets. */
class AdviceTransformerSlotTest {
    static final String P = "io.sightline.testtarget.Slot";
    private final ClassLoader app = AdviceTransformerSlotTest.class.getClassLoader();
    private final URLClassLoader agent = new URLClassLoader(new URL[0], app);
    private final AdviceTransformer transformer = transformer(null, agent);

    static AdviceTransformer transformer(Instrumentation inst, ClassLoader agent) {
        AdviceTransformer.Rule rule = new AdviceTransformer.Rule("test", nameStartsWith(P), null);
        rule.methods.add(named("answer"));
        rule.advice.add(AdviceTransformerTest.FortyTwo.class.getName());
        rule.slot = true;
        return new AdviceTransformer(inst, agent, List.of(rule), new Instrumenter.AdviceSources(agent));
    }

    @AfterEach
    void close() throws Exception {
        agent.close();
    }

    static byte[] bytes(String name) throws Exception {
        try (InputStream in = AdviceTransformerSlotTest.class.getResourceAsStream("/" + name.replace('.', '/') + ".class")) {
            return in.readAllBytes();
        }
    }

    /**
     * Defines the test's Slot* classes itself (the rest comes from its parent), each as the JVM
     * would: with the bytes the transformer returns for a class being defined, or as they are
     * when {@code transformer} is null (a class loaded before the agent).
     */
    static class Defining extends ClassLoader {
        private final AdviceTransformer transformer;

        Defining(ClassLoader parent, AdviceTransformer transformer) {
            super(parent);
            this.transformer = transformer;
        }

        @Override
        protected synchronized Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(P)) {
                return super.loadClass(name, resolve);
            }
            Class<?> c = findLoadedClass(name);
            if (c != null) {
                return c;
            }
            try {
                byte[] b = bytes(name);
                byte[] woven = transformer == null ? null : transformer.transform(this, name.replace('.', '/'), null, null, b);
                return define(name, woven != null ? woven : b);
            } catch (ClassNotFoundException e) {
                throw e;
            } catch (Exception e) {
                throw new ClassNotFoundException(name, e);
            }
        }

        Class<?> define(String name, byte[] b) {
            return defineClass(name, b, 0, b.length);
        }
    }

    static boolean declaresSlot(Class<?> c) {
        boolean slotted = Arrays.asList(c.getInterfaces()).contains(Slotted.class);
        boolean field = Arrays.stream(c.getDeclaredFields()).anyMatch(f -> f.getName().equals(SlotWriter.FIELD));
        assertThat(field).as("field and interface go together in " + c).isEqualTo(slotted);
        return slotted;
    }

    @Test
    void aClassBeingDefinedGetsTheSlotAndItsSubclassUsesIt() throws Exception {
        Defining loader = new Defining(app, transformer);
        Class<?> child = loader.loadClass(P + "Child"); // the JVM transforms a class before it loads its superclass
        Class<?> base = child.getSuperclass();
        assertThat(declaresSlot(base)).isTrue();
        assertThat(declaresSlot(child)).isFalse();
        Field f = base.getDeclaredField(SlotWriter.FIELD);
        assertThat(f.getType()).isEqualTo(Object.class);
        assertThat(f.getModifiers() & (Modifier.PRIVATE | Modifier.TRANSIENT | Modifier.VOLATILE))
                .isEqualTo(Modifier.PRIVATE | Modifier.TRANSIENT);
        assertThat(f.isSynthetic()).isTrue();

        Object o = child.getConstructor().newInstance();
        Slotted s = (Slotted) o;
        assertThat(s.sightline$slot()).isNull();
        s.sightline$slot("state");
        assertThat(s.sightline$slot()).isEqualTo("state");
        assertThat(child.getMethod("answer").invoke(o)).isEqualTo(42); // the advice as before
        assertThat(base.getMethod("answer").invoke(base.getConstructor().newInstance())).isEqualTo(42);
    }

    @Test
    void aSubclassOfAClassLoadedBeforeTheAgentGetsItsOwnSlot() throws Exception {
        Defining before = new Defining(app, null);
        Class<?> base = before.loadClass(P + "Base");
        assertThat(declaresSlot(base)).isFalse();
        transformer.loadedWithoutSlot.add(base.getName()); // what install() notes of the classes loaded before it
        Defining after = new Defining(before, transformer) {
            @Override
            protected synchronized Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                return name.equals(P + "Base") ? base : super.loadClass(name, resolve);
            }
        };
        Class<?> child = after.loadClass(P + "Child");
        assertThat(child.getSuperclass()).isSameAs(base);
        assertThat(declaresSlot(child)).isTrue();
        Slotted s = (Slotted) child.getConstructor().newInstance();
        s.sightline$slot(1);
        assertThat(s.sightline$slot()).isEqualTo(1);
    }

    @Test
    void aRedefinitionKeepsFieldsAndInterfacesAsTheyAreAndStillGetsTheAdvice() throws Exception {
        Class<?> plain = new Defining(app, null).loadClass(P + "Base");
        Class<?> slotted = new Defining(app, transformer).loadClass(P + "Base");
        assertThat(declaresSlot(plain)).isFalse();
        assertThat(declaresSlot(slotted)).isTrue();

        // the JVM hands a retransformation the class's original bytes, without the slot
        byte[] again = transformer.transform(plain.getClassLoader(), (P + "Base").replace('.', '/'), plain, null, bytes(P + "Base"));
        Class<?> redefinedPlain = new Defining(app, null).define(P + "Base", again);
        assertThat(declaresSlot(redefinedPlain)).isFalse();
        assertThat(redefinedPlain.getMethod("answer").invoke(redefinedPlain.getConstructor().newInstance())).isEqualTo(42);

        byte[] keep = transformer.transform(slotted.getClassLoader(), (P + "Base").replace('.', '/'), slotted, null, bytes(P + "Base"));
        assertThat(declaresSlot(new Defining(app, null).define(P + "Base", keep))).isTrue();
    }

    /**
     * The JVM's own path, with a real Instrumentation: install() retransforms a class loaded
     * before it (advice, no slot); a subclass defined later gets its own slot; retransforming
     * that subclass again (another agent may) keeps its slot and the value in it.
     */
    @Test
    void installAndRetransformationInTheJvm() throws Exception {
        Instrumentation inst = ByteBuddyAgent.install();
        Defining loader = new Defining(app, null); // defines the bytes as they are: the JVM calls the transformer
        Class<?> base = loader.loadClass(P + "Base");
        AdviceTransformer t = transformer(inst, agent);
        try {
            t.install();
            Class<?> early = loader.loadClass(P + "Child"); // defined while the retransformation may run: waits for it
            assertThat(declaresSlot(early)).isTrue();
            assertThat(t.awaitRetransformation(10000)).isTrue();
            assertThat(base.getMethod("answer").invoke(base.getConstructor().newInstance())).isEqualTo(42);
            assertThat(declaresSlot(base)).isFalse();

            Class<?> child = early;
            Object o = child.getConstructor().newInstance();
            ((Slotted) o).sightline$slot("kept");
            assertThat(child.getMethod("answer").invoke(o)).isEqualTo(42);

            inst.retransformClasses(child, base);
            assertThat(declaresSlot(child)).isTrue();
            assertThat(((Slotted) o).sightline$slot()).isEqualTo("kept");
            assertThat(child.getMethod("answer").invoke(o)).isEqualTo(42);
        } finally {
            inst.removeTransformer(t);
        }
    }

    @Test
    void genericAndSerializableClasses() throws Exception {
        Defining loader = new Defining(app, transformer);
        Class<?> generic = loader.loadClass(P + "Generic");
        assertThat(declaresSlot(generic)).isTrue();
        assertThat(Arrays.asList(generic.getGenericInterfaces())).contains(Slotted.class);
        assertThat(generic.getGenericInterfaces()[0].getTypeName()).isEqualTo("java.lang.Comparable<" + P + "Generic<T>>");
        // without a serialVersionUID of its own, the slot would change the computed one
        Class<?> serializable = loader.loadClass(P + "Serializable");
        assertThat(declaresSlot(serializable)).isFalse();
        assertThat(declaresSlot(loader.loadClass(P + "SerializableWithId"))).isTrue();
        assertThat(java.io.ObjectStreamClass.lookup(serializable).getSerialVersionUID())
                .isEqualTo(java.io.ObjectStreamClass.lookup(new Defining(app, null).loadClass(P + "Serializable")).getSerialVersionUID());
    }
}
