package io.sightline.storage;

import io.sightline.hbase.schema.Tables;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.Base64;
import org.apache.hadoop.hbase.client.CheckAndMutate;
import org.apache.hadoop.hbase.client.Connection;
import org.apache.hadoop.hbase.client.Get;
import org.apache.hadoop.hbase.client.Put;
import org.apache.hadoop.hbase.client.Table;
import org.apache.hadoop.hbase.util.Bytes;

/**
 * The secret Sightline servers show each other on internal calls (a web asking a collector for
 * an agent's live data). Generated once by whichever server needs it first and kept in HBase, so
 * every server of one installation shares it with no setting, and whoever can read it could read
 * the data anyway.
 */
public final class ClusterSecret {
    private static final byte[] ROW = Bytes.toBytes("cluster-secret");
    private static final byte[] COL = Bytes.toBytes("v");

    private ClusterSecret() {
    }

    /** The installation's secret, created on first use (two servers racing agree on one). */
    public static String get(Connection connection) throws IOException {
        try (Table t = connection.getTable(Tables.SCHEMA)) {
            byte[] v = t.get(new Get(ROW).addColumn(Tables.SCHEMA_CF, COL)).getValue(Tables.SCHEMA_CF, COL);
            if (v == null) {
                byte[] fresh = new byte[32];
                new SecureRandom().nextBytes(fresh);
                String text = Base64.getUrlEncoder().withoutPadding().encodeToString(fresh);
                t.checkAndMutate(CheckAndMutate.newBuilder(ROW).ifNotExists(Tables.SCHEMA_CF, COL)
                        .build(new Put(ROW).addColumn(Tables.SCHEMA_CF, COL, Bytes.toBytes(text))));
                v = t.get(new Get(ROW).addColumn(Tables.SCHEMA_CF, COL)).getValue(Tables.SCHEMA_CF, COL);
                if (v == null) {
                    throw new IOException("could not store the cluster secret");
                }
            }
            return Bytes.toString(v);
        }
    }
}
