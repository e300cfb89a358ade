package io.katostreams.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.katostreams.schemas.KnowledgeKeys.Key;
import io.katostreams.schemas.KnowledgeKeys.Kind;
import io.katostreams.schemas.avro.KnowledgeRecord;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KnowledgeKeysTest {

    @Test
    void buildersProduceTheDocumentedFormat() {
        assertEquals("alice_kato/pattern/e9e4", KnowledgeKeys.pattern("alice_kato", "e9e4"));
        assertEquals("alice_kato/symbol/a", KnowledgeKeys.symbol("alice_kato", "a"));
        assertEquals("alice_kato/totals", KnowledgeKeys.totals("alice_kato"));
        assertEquals("alice_kato/vector/VCTR|fe5d", KnowledgeKeys.vector("alice_kato", "VCTR|fe5d"));
        assertEquals("alice_kato/cleared", KnowledgeKeys.cleared("alice_kato"));
        assertEquals("alice_kato/", KnowledgeKeys.prefix("alice_kato"));
    }

    @Test
    void everyKnowledgeRecordKeyRoundTrips() {
        List<String> keys = Fixtures.knowledgeRecords().stream().map(KnowledgeKeys::keyOf).toList();
        assertEquals(List.of("alice_kato/pattern/e9e43f2309079f2843665ab773996d99489306d6", "alice_kato/symbol/a",
                "alice_kato/symbol/b/with/slashes", "alice_kato/totals",
                "alice_kato/vector/VCTR|fe5de4472f7e4d5c9cdd19cadebfa06fe3da8e43", "alice_kato/cleared"), keys);
        for (String k : keys) {
            Key parsed = KnowledgeKeys.parse(k);
            assertEquals("alice_kato", parsed.processorId());
            assertEquals(k, parsed.toKey());
            assertTrue(k.startsWith(KnowledgeKeys.prefix(parsed.processorId())));
        }
        assertEquals(new Key("alice_kato", Kind.SYMBOL, "b/with/slashes"), KnowledgeKeys.parse(keys.get(2)));
        assertNull(KnowledgeKeys.parse(keys.get(3)).name());
        assertEquals(Kind.CLEARED, KnowledgeKeys.parse(keys.get(5)).kind());
    }

    @Test
    void oddButLegalNamesRoundTrip() {
        for (String name : List.of("", "/", "a/b/", "pattern", "😀 ～", "totals/x")) {
            String key = KnowledgeKeys.symbol("_kato", name);
            assertEquals(new Key("_kato", Kind.SYMBOL, name), KnowledgeKeys.parse(key));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "alice_kato", "alice_kato/", "alice_kato/unknown/x", "alice_kato/pattern",
        "alice_kato/totals/x", "alice_kato/cleared/"})
    void malformedKeysAreRejected(String key) {
        assertThrows(IllegalArgumentException.class, () -> KnowledgeKeys.parse(key));
    }

    @Test
    void processorIdsWithSlashAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> KnowledgeKeys.totals("a/b_kato"));
        assertThrows(IllegalArgumentException.class, () -> new Key("p", Kind.TOTALS, "x"));
        assertThrows(IllegalArgumentException.class, () -> new Key("p", Kind.PATTERN, null));
        assertThrows(IllegalArgumentException.class,
                () -> KnowledgeKeys.keyOf(new KnowledgeRecord("p", "n", "not an item")));
    }
}
