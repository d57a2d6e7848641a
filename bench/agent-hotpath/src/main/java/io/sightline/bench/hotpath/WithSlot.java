package io.sightline.bench.hotpath;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.named;

import java.sql.Connection;
import java.sql.PreparedStatement;

import io.sightline.agent.bridge.Slotted;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FieldAccessor;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.implementation.MethodCall;

/**
 * A JDBC object of the driver seen through a class that has the agent's slot, as a driver class
 * defined after the agent started has: every method calls the driver's object (a plain call the
 * JIT inlines), the slot's two methods read and write a field of its own, and a statement's
 * getConnection answers the connection seen the same way.
 */
final class WithSlot {
    private WithSlot() {
    }

    static Connection connection(Connection driver) throws Exception {
        return wrap(Connection.class, driver, null);
    }

    static PreparedStatement statement(PreparedStatement driver, Connection connection) throws Exception {
        return wrap(PreparedStatement.class, driver, connection);
    }

    private static <T> T wrap(Class<T> type, T driver, Connection connection) throws Exception {
        net.bytebuddy.dynamic.DynamicType.Builder<Object> b = new ByteBuddy().subclass(Object.class)
                .implement(type, Slotted.class)
                .defineField("driver", type, Visibility.PRIVATE)
                .defineField("slot", Object.class, Visibility.PRIVATE)
                .defineConstructor(Visibility.PUBLIC).withParameters(type)
                .intercept(MethodCall.invoke(Object.class.getConstructor()).andThen(FieldAccessor.ofField("driver").setsArgumentAt(0)))
                .method(isAbstract()).intercept(MethodCall.invokeSelf().onField("driver").withAllArguments());
        if (connection != null) {
            // the driver's getConnection still runs (its checks cost what they cost), the answer is ours
            b = b.method(named("getConnection")).intercept(MethodCall.invokeSelf().onField("driver").withAllArguments()
                    .andThen(FixedValue.value(connection)));
        }
        Class<?> c = b.method(named("sightline$slot")).intercept(FieldAccessor.ofField("slot"))
                // a statement's class sees its connection's (the type of the field holding that connection)
                .make().load(connection == null ? WithSlot.class.getClassLoader() : connection.getClass().getClassLoader(),
                        ClassLoadingStrategy.Default.WRAPPER).getLoaded();
        return type.cast(c.getConstructor(type).newInstance(driver));
    }
}
