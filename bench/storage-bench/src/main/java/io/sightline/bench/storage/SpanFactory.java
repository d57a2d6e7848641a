package io.sightline.bench.storage;

import com.google.protobuf.ByteString;
import io.sightline.protocol.MetadataIds;
import io.sightline.protocol.v1.BindValue;
import io.sightline.protocol.v1.MetadataEntry;
import io.sightline.protocol.v1.Span;
import io.sightline.protocol.v1.SpanEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Realistic spans: a controller method, six SQL calls with bind values, two HTTP calls, ~10 events. */
final class SpanFactory {
    static final String[] SQL = {
        "select o.id, o.first_name, o.last_name, o.address, o.city, o.telephone from owners o where o.id = ?",
        "select p.id, p.name, p.birth_date, p.type_id from pets p where p.owner_id = ?",
        "select v.id, v.visit_date, v.description from visits v where v.pet_id = ? order by v.visit_date desc",
        "update owners set telephone = ? where id = ?",
        "insert into visits (pet_id, visit_date, description) values (?, ?, ?)",
        "select count(*) from orders where customer_id = ? and status = ?",
        "select i.sku, i.quantity, i.price from order_items i where i.order_id = ?",
        "select s.id, s.name from specialties s join vet_specialties vs on vs.specialty_id = s.id where vs.vet_id = ?",
    };
    static final String[] API = {"OwnerController.showOwner", "PreparedStatement.executeQuery",
        "PreparedStatement.executeUpdate", "HttpURLConnection.getInputStream", "OwnerRepository.findById"};
    static final String[] URIS = {"/owners/%d", "/owners/%d/pets", "/vets", "/orders/%d", "/api/inventory/%d",
        "/owners/find", "/cart/%d/items", "/checkout"};
    private final SplittableRandom random;

    SpanFactory(long seed) {
        this.random = new SplittableRandom(seed);
    }

    static List<MetadataEntry> metadata() {
        List<MetadataEntry> out = new ArrayList<>();
        for (String s : SQL) {
            out.add(MetadataEntry.newBuilder().setKind(MetadataEntry.Kind.SQL)
                    .setId(MetadataIds.of(MetadataEntry.Kind.SQL_VALUE, s)).setValue(s).build());
        }
        for (String a : API) {
            out.add(MetadataEntry.newBuilder().setKind(MetadataEntry.Kind.API)
                    .setId(MetadataIds.of(MetadataEntry.Kind.API_VALUE, a)).setValue(a).build());
        }
        return out;
    }

    byte[] traceId() {
        byte[] b = new byte[16];
        for (int i = 0; i < 16; i += 8) {
            long v = random.nextLong();
            for (int j = 0; j < 8; j++) {
                b[i + j] = (byte) (v >>> (8 * j));
            }
        }
        b[0] |= 1;
        return b;
    }

    Span span(String app, String agent, long start) {
        return span(app, agent, traceId(), start);
    }

    Span span(String app, String agent, byte[] trace, long start) {
        boolean error = random.nextInt(50) == 0;
        int elapsed = (int) Math.min(30_000, Math.exp(random.nextDouble() * 7.5)); // 1 ms .. ~1.8 s, long tail
        Span.Builder s = Span.newBuilder().setTraceId(ByteString.copyFrom(trace)).setSpanId(random.nextLong() | 1)
                .setAgentId(agent).setApplicationName(app).setAgentStartTime(1).setServiceType("TOMCAT")
                .setStartTime(start).setElapsed(elapsed).setMethod(random.nextInt(5) == 0 ? "POST" : "GET")
                .setUri(String.format(URIS[random.nextInt(URIS.length)], random.nextInt(5000)))
                .setClientIp("10.0." + random.nextInt(256) + "." + random.nextInt(256))
                .setEndpoint("shop.local:8080").setStatus(error ? 500 : 200).setError(error)
                .setThreadName("http-nio-8080-exec-" + random.nextInt(200));
        if (error) {
            s.setException(io.sightline.protocol.v1.ExceptionInfo.newBuilder().setClassName("java.lang.IllegalStateException")
                    .setMessage("order " + random.nextInt(100000) + " is not payable").addFrames("com.shop.Orders.pay(Orders.java:88)"));
        }
        int seq = 1;
        int offset = 1;
        s.addEvents(SpanEvent.newBuilder().setSequence(seq++).setDepth(1).setStartOffset(offset).setElapsed(Math.max(0, elapsed - 2))
                .setServiceType("METHOD").setApiId(MetadataIds.of(MetadataEntry.Kind.API_VALUE, API[0])));
        for (int i = 0; i < 6; i++) {
            String sql = SQL[random.nextInt(SQL.length)];
            SpanEvent.Builder e = SpanEvent.newBuilder().setSequence(seq++).setDepth(2).setStartOffset(offset += 1)
                    .setElapsed(random.nextInt(5)).setServiceType(random.nextBoolean() ? "MYSQL" : "H2")
                    .setApiId(MetadataIds.of(MetadataEntry.Kind.API_VALUE, API[1]))
                    .setSqlId(MetadataIds.of(MetadataEntry.Kind.SQL_VALUE, sql)).setDestination("db:3306/shop");
            int binds = (int) sql.chars().filter(c -> c == '?').count();
            for (int b = 0; b < binds; b++) {
                e.addBindValues(BindValue.newBuilder().setValue(Integer.toString(random.nextInt(100000))));
            }
            s.addEvents(e);
        }
        for (int i = 0; i < 2; i++) {
            s.addEvents(SpanEvent.newBuilder().setSequence(seq++).setDepth(2).setStartOffset(offset += 2)
                    .setElapsed(random.nextInt(40)).setServiceType("HTTP_CLIENT")
                    .setApiId(MetadataIds.of(MetadataEntry.Kind.API_VALUE, API[3])).setDestination("inventory.local:8081")
                    .setArgument("http://inventory.local:8081/api/stock/" + random.nextInt(10000)).setStatus(200)
                    .setNextSpanId(random.nextLong() | 1));
        }
        s.addEvents(SpanEvent.newBuilder().setSequence(seq).setDepth(2).setStartOffset(offset + 1).setElapsed(1)
                .setServiceType("METHOD").setApiId(MetadataIds.of(MetadataEntry.Kind.API_VALUE, API[4])));
        return s.build();
    }
}
