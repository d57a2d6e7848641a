/**
 * The read side of Sightline's storage: what the web asks of HBase, in the shapes of the REST API
 * (CONTRACT.md). Implemented over the tables of {@code hbase-schema}.
 */
package io.sightline.storage.query;
