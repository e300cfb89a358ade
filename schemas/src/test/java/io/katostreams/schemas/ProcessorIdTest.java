package io.katostreams.schemas;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The examples of spec 02 §2.2. */
class ProcessorIdTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '\t', value = {
            "alice\talice_kato",
            "project-x\tproject_x_kato",
            "user/123\tuser_123_kato",
            "Alice Smith\tAlice_Smith_kato",
            "a.b:c|d?e*f<g>h\"i$j\\k\ta_b_c_d_e_f_g_h_i_j_k_kato",
            "café\tcafé_kato",
            "a#b@c%d+e,f'g&h\ta#b@c%d+e,f'g&h_kato"})
    void examples(String node, String processorId) {
        assertEquals(processorId, ProcessorId.of(node, "kato"));
    }

    @Test
    void emptyNodeAndLongNodes() {
        assertEquals("_kato", ProcessorId.of("", "kato"));
        String x55 = "x".repeat(55);
        assertEquals(x55 + "_kato", ProcessorId.of(x55, "kato"));
        String expected = "tenant_" + "y".repeat(39) + "_66dc663a_kato";
        assertEquals(expected, ProcessorId.of("tenant-" + "y".repeat(60), "kato"));
        assertEquals(60, expected.length());
    }

    @Test
    void serviceNameHyphensBecomeUnderscores() {
        assertEquals("alice_kato_test", ProcessorId.of("alice", "kato-test"));
    }
}
