package io.sightline.hbase.schema;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.hbase.NamespaceDescriptor;
import org.apache.hadoop.hbase.NamespaceExistException;
import org.apache.hadoop.hbase.TableExistsException;
import org.apache.hadoop.hbase.TableName;
import org.apache.hadoop.hbase.client.Admin;
import org.apache.hadoop.hbase.client.ColumnFamilyDescriptor;
import org.apache.hadoop.hbase.client.TableDescriptor;

/** What a step works with: the Admin, the settings, and the list of actions taken (or planned). */
public final class SchemaContext {
    private final Admin admin;
    private final int retentionDays;
    private final int regions;
    private final boolean dryRun;
    private final List<String> actions = new ArrayList<>();
    private final Consumer<String> log;

    SchemaContext(Admin admin, int retentionDays, int regions, boolean dryRun, Consumer<String> log) {
        this.admin = admin;
        this.retentionDays = retentionDays;
        this.regions = regions;
        this.dryRun = dryRun;
        this.log = log;
    }

    public Admin admin() {
        return admin;
    }

    public int retentionDays() {
        return retentionDays;
    }

    public boolean dryRun() {
        return dryRun;
    }

    List<String> actions() {
        return actions;
    }

    void action(String what) {
        actions.add(what);
        log.accept((dryRun ? "would " : "") + what);
    }

    /** Creates the namespace when missing. */
    public void ensureNamespace(String name) throws IOException {
        boolean exists = Arrays.stream(admin.listNamespaces()).anyMatch(name::equals);
        if (exists) {
            return;
        }
        action("create namespace " + name);
        if (!dryRun) {
            try {
                admin.createNamespace(NamespaceDescriptor.create(name).build());
            } catch (NamespaceExistException e) {
                // another server created it at the same time
            }
        }
    }

    /** Creates the table (with its split keys) when missing. */
    public void ensureTable(TableDescriptor table) throws IOException {
        if (admin.tableExists(table.getTableName())) {
            return;
        }
        action("create table " + table.getTableName().getNameAsString());
        if (!dryRun) {
            try {
                byte[][] splits = Tables.splitKeys(table.getTableName(), regions);
                if (splits == null) {
                    admin.createTable(table);
                } else {
                    admin.createTable(table, splits);
                }
            } catch (TableExistsException e) {
                // another server created it at the same time
            }
        }
    }

    /** Brings a family's TTL to the wanted value when it differs (retention changed). */
    public void ensureTtl(TableName table, ColumnFamilyDescriptor wanted) throws IOException {
        if (!admin.tableExists(table)) {
            return; // dry run before creation: nothing to compare
        }
        ColumnFamilyDescriptor current = admin.getDescriptor(table).getColumnFamily(wanted.getName());
        if (current == null) {
            action("add family " + wanted.getNameAsString() + " to " + table.getNameAsString());
            if (!dryRun) {
                admin.addColumnFamily(table, wanted);
            }
            return;
        }
        if (current.getTimeToLive() != wanted.getTimeToLive()) {
            action("set TTL of " + table.getNameAsString() + ":" + wanted.getNameAsString() + " from "
                    + current.getTimeToLive() + " s to " + wanted.getTimeToLive() + " s");
            if (!dryRun) {
                admin.modifyColumnFamily(table,
                        org.apache.hadoop.hbase.client.ColumnFamilyDescriptorBuilder.newBuilder(current)
                                .setTimeToLive(wanted.getTimeToLive()).build());
            }
        }
    }
}
