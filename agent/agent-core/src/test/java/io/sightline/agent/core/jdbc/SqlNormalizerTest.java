package io.sightline.agent.core.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlNormalizerTest {
    private static String n(String sql) {
        return SqlNormalizer.normalize(sql, false);
    }

    @Test
    void replacesStringAndNumberLiterals() {
        assertThat(n("select * from owners where id = 42 and name = 'O''Brien' and score > -1.5e3"))
                .isEqualTo("select * from owners where id = ? and name = ? and score > -?");
    }

    @Test
    void keepsIdentifiersPlaceholdersAndQuotedNames() {
        assertThat(n("select t1.col_2, \"Weird Name 3\" from table9 t1 where a = ? and b = $1 and c = :p1"))
                .isEqualTo("select t1.col_2, \"Weird Name 3\" from table9 t1 where a = ? and b = $1 and c = :p1");
    }

    @Test
    void collapsesWhiteSpace() {
        assertThat(n("  select\n\t a ,b\r\n from   x  ")).isEqualTo("select a ,b from x");
    }

    @Test
    void inListsAndHexAndDecimals() {
        assertThat(n("delete from t where id in (1, 2, 3) and h = 0xFF and d = .5"))
                .isEqualTo("delete from t where id in (?, ?, ?) and h = ? and d = ?");
    }

    @Test
    void mysqlDoubleQuotesAreStrings() {
        assertThat(SqlNormalizer.normalize("select * from `t` where a = \"x\\\"y\"", true))
                .isEqualTo("select * from `t` where a = ?");
        assertThat(n("select * from \"t\" where a = 'x'")).isEqualTo("select * from \"t\" where a = ?");
    }

    @Test
    void postgresDollarQuotesAreStrings() {
        assertThat(n("select $$it's 1$$, $tag$x$tag$ from t where id = $2"))
                .isEqualTo("select ?, ? from t where id = $2");
    }

    @Test
    void unterminatedLiteralDoesNotLeakOrLoop() {
        assertThat(n("select 'abc")).isEqualTo("select ?");
        assertThat(n("")).isEmpty();
    }

    @Test
    void commentsAreKeptWithoutTheirLineBreak() {
        assertThat(n("select a -- why\nfrom t /* hint */ where x=1")).isEqualTo("select a -- why from t /* hint */ where x=?");
    }
}
