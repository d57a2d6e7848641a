package io.sightline.agent.plugins.jdbc;

import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.returns;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.isSubTypeOf;

import java.util.ArrayList;
import java.util.List;

import io.sightline.agent.plugin.AdviceTarget;
import io.sightline.agent.plugin.Requirements;
import io.sightline.agent.plugin.TypeInstrumentation;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Builds the instrumentation of one JDBC driver from the names of its classes.
 *
 * <p>Only the driver's own classes are instrumented (never java.sql interfaces in general), so
 * a pool's proxy statement (Hikari, DBCP...) that delegates to the driver is not counted twice;
 * calls nested inside a recorded call on the same thread are ignored by the tracer.
 */
public final class JdbcInstrumentations {
    static final String PACKAGE = "io.sightline.agent.plugins.jdbc.";

    /** The public setters of java.sql.PreparedStatement/CallableStatement that bind a value by index. */
    static final String[] SETTERS = {
        "setArray", "setAsciiStream", "setBigDecimal", "setBinaryStream", "setBlob", "setBoolean", "setByte",
        "setBytes", "setCharacterStream", "setClob", "setDate", "setDouble", "setFloat", "setInt", "setLong",
        "setNCharacterStream", "setNClob", "setNString", "setObject", "setRef", "setRowId", "setShort",
        "setSQLXML", "setString", "setTime", "setTimestamp", "setURL", "setUnicodeStream"
    };

    private JdbcInstrumentations() {
    }

    /**
     * @param requiredClass a class of the driver that must be present (checked per class loader)
     * @param connectionClasses the driver's java.sql.Connection implementations
     * @param statementClasses the driver's Statement, PreparedStatement and CallableStatement implementations
     */
    public static List<TypeInstrumentation> forDriver(String requiredClass, String[] connectionClasses,
                                                      String[] statementClasses) {
        Requirements requirements = Requirements.create().type(requiredClass).type("java.sql.PreparedStatement");
        List<TypeInstrumentation> out = new ArrayList<TypeInstrumentation>();
        out.add(new Connections(namedOneOf(connectionClasses), requirements));
        out.add(new Statements(namedOneOf(statementClasses), requirements));
        return out;
    }

    static final class Connections implements TypeInstrumentation {
        private final ElementMatcher.Junction<TypeDescription> types;
        private final Requirements requirements;

        Connections(ElementMatcher.Junction<TypeDescription> types, Requirements requirements) {
            this.types = types;
            this.requirements = requirements;
        }

        @Override
        public ElementMatcher<TypeDescription> typeMatcher() {
            return types.and(isSubTypeOf(java.sql.Connection.class));
        }

        @Override
        public ElementMatcher<ClassLoader> classLoaderMatcher() {
            return requirements;
        }

        @Override
        public void transform(AdviceTarget target) {
            target.slot(); // the tracer keeps the connection's database (type, address) there
            target.advice(namedOneOf("prepareStatement", "prepareCall").and(isPublic())
                            .and(takesArgument(0, String.class))
                            .and(returns(isSubTypeOf(java.sql.Statement.class))),
                    PACKAGE + "PrepareAdvice");
        }
    }

    static final class Statements implements TypeInstrumentation {
        private final ElementMatcher.Junction<TypeDescription> types;
        private final Requirements requirements;

        Statements(ElementMatcher.Junction<TypeDescription> types, Requirements requirements) {
            this.types = types;
            this.requirements = requirements;
        }

        @Override
        public ElementMatcher<TypeDescription> typeMatcher() {
            return types.and(isSubTypeOf(java.sql.Statement.class));
        }

        @Override
        public ElementMatcher<ClassLoader> classLoaderMatcher() {
            return requirements;
        }

        @Override
        public void transform(AdviceTarget target) {
            target.slot(); // the tracer keeps the statement's SQL, bind values and batch there
            ElementMatcher.Junction<MethodDescription> execute =
                    namedOneOf("execute", "executeQuery", "executeUpdate", "executeLargeUpdate").and(isPublic());
            target.advice(execute.and(takesArgument(0, String.class)), PACKAGE + "ExecuteSqlAdvice");
            target.advice(execute.and(takesArguments(0))
                            .or(namedOneOf("executeBatch", "executeLargeBatch").and(isPublic()).and(takesArguments(0))),
                    PACKAGE + "ExecutePreparedAdvice");
            target.advice(namedOneOf(SETTERS).and(isPublic()).and(ElementMatchers.<MethodDescription>takesArgument(0, int.class))
                    .and(ElementMatchers.<MethodDescription>takesArguments(2).or(takesArguments(3))), PACKAGE + "BindAdvice");
            target.advice(named("setNull").and(isPublic()).and(takesArgument(0, int.class)), PACKAGE + "BindNullAdvice");
            target.advice(named("clearParameters").and(isPublic()).and(takesArguments(0)), PACKAGE + "ClearParametersAdvice");
            target.advice(named("addBatch").and(isPublic()).and(takesArguments(0)), PACKAGE + "AddBatchAdvice");
            target.advice(named("addBatch").and(isPublic()).and(takesArgument(0, String.class)).and(takesArguments(1)),
                    PACKAGE + "AddBatchSqlAdvice");
            target.advice(named("close").and(isPublic()).and(takesArguments(0)), PACKAGE + "CloseAdvice");
        }
    }
}
