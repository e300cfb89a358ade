package io.katostreams.ops;

import io.katostreams.schemas.avro.DeadLetter;
import io.katostreams.schemas.json.KatoJson;
import io.katostreams.schemas.serde.KatoSerdes;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How {@code kato tail} turns each record value into one JSON line. */
class TopicToolsTest {

    @Test
    void avroIsDecodedWithTheSchemaItsFingerprintNamesJsonPassesThroughAnythingElseIsBase64() {
        DeadLetter d = new DeadLetter("kato.observations", 3, 42L, ByteBuffer.wrap("alice".getBytes(StandardCharsets.UTF_8)),
                ByteBuffer.wrap("{\"strings\":5}".getBytes(StandardCharsets.UTF_8)), "strings: Input should be a valid list",
                Instant.parse("2026-01-01T12:00:00.123Z"), null);
        String line = TopicTools.toJsonLine(KatoSerdes.deadLetters().encode(d));
        assertEquals(KatoJson.toJson(d), line);
        assertEquals("{\"topic\":\"kato.observations\",\"partition\":3,\"offset\":42,\"key\":\"YWxpY2U=\",\"value\":"
                + "\"eyJzdHJpbmdzIjo1fQ==\",\"reason\":\"strings: Input should be a valid list\","
                + "\"failed_at\":\"2026-01-01T12:00:00.123000Z\",\"error_class\":null}", line);

        assertEquals("{\"a\":[1,2.5]}", TopicTools.toJsonLine("{ \"a\" : [1, 2.5] }\n".getBytes(StandardCharsets.UTF_8)));
        assertEquals("null", TopicTools.toJsonLine(null));
        assertEquals("{\"undecodable_base64\":\"w4AB/w==\"}", TopicTools.toJsonLine(new byte[]{(byte) 0xC3, (byte) 0x80, 1, (byte) 0xFF}));
        assertEquals("{\"undecodable_base64\":\"bm90IGpzb24=\"}", TopicTools.toJsonLine("not json".getBytes(StandardCharsets.UTF_8)));
        // the Avro marker with a fingerprint no shipped schema has
        byte[] unknown = {(byte) 0xC3, 1, 1, 2, 3, 4, 5, 6, 7, 8, 0};
        assertEquals("{\"undecodable_base64\":\"wwEBAgMEBQYHCAA=\"}", TopicTools.toJsonLine(unknown));
    }
}
