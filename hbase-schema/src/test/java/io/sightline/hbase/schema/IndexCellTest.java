package io.sightline.hbase.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class IndexCellTest {
    private static final byte[] IP = new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 3, 7};

    @Test
    void fieldsSitAtTheirOffsetsAndTheUriEndsTheCell() {
        byte[] v = IndexCell.encode(1234, true, IP, "petstore-1", "/owners/é/pets");
        assertThat(v).hasSize(IndexCell.URI + "/owners/é/pets".getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        assertThat(IndexCell.elapsed(v)).isEqualTo(1234);
        assertThat(IndexCell.error(v)).isTrue();
        assertThat(v[IndexCell.HAS_IP]).isEqualTo((byte) 1);
        assertThat(Arrays.copyOfRange(v, IndexCell.IP, IndexCell.IP + 16)).isEqualTo(IP);
        assertThat(IndexCell.agentHash(v)).isEqualTo(RowKeys.hash("petstore-1"));
        assertThat(IndexCell.uri(v)).isEqualTo("/owners/é/pets");

        byte[] none = IndexCell.encode(-5, false, null, "a", "");
        assertThat(IndexCell.elapsed(none)).isZero();
        assertThat(IndexCell.error(none)).isFalse();
        assertThat(none[IndexCell.HAS_IP]).isZero();
        assertThat(IndexCell.uri(none)).isEmpty();
    }

    @Test
    void aGivenAgentHashEncodesExactlyAsTheAgentId() {
        byte[] byId = IndexCell.encode(42, false, IP, "checkout-7d9c5b8f4-x2x", "/cart");
        byte[] byHash = IndexCell.encode(42, false, IP, RowKeys.hash("checkout-7d9c5b8f4-x2x"), "/cart");
        assertThat(byHash).isEqualTo(byId);
        assertThatThrownBy(() -> IndexCell.encode(42, false, IP, new byte[4], "/cart"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("8 bytes");
    }
}
