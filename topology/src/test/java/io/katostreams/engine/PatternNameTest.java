package io.katostreams.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Spec 03 §12.3 (and the names quoted in §9 and §12.9). */
class PatternNameTest {

    private static void assertName(String expectedPrefixed, List<List<String>> events) {
        assertEquals(expectedPrefixed, PatternName.withPrefix(PatternName.of(events)));
    }

    @Test
    void requiredWorkedExample() {
        List<List<String>> stm = List.of(List.of("a", "b"), List.of("c"));
        assertEquals("e9e43f2309079f2843665ab773996d99489306d6", PatternName.of(stm));
    }

    /** Every row of the spec 03 §12.3 table. */
    @Test
    void specTableRows() {
        assertName("PTRN|e9e43f2309079f2843665ab773996d99489306d6", List.of(List.of("a", "b"), List.of("c")));
        assertName("PTRN|7d0678ba6305341ce0d25133ab086208656a562f", List.of(List.of("hello"), List.of("world")));
        assertName("PTRN|3814b8c03c137909546d6993c0acf351981bccae", List.of(List.of("hello", "world")));
        assertName("PTRN|b98534b32c1d7489d4ce1a48724aa65aeecbdba9", List.of(List.of("a"), List.of("b"), List.of("c")));
        assertName("PTRN|0c9c789111fdc87799898d2e8aff1a79e7d2b9ae", List.of(List.of("a"), List.of("a", "b")));
        assertName("PTRN|92e41976b3b67cfec32df10a1a0cb4b2e548d05b", List.of(List.of("X"), List.of("Y"), List.of("Z")));
        assertName("PTRN|1230e3b9d3f72caead72d33bef25fbf1ee303f5d", List.of(List.of("", "a"), List.of("b")));
        assertName("PTRN|ffff938f5b1b777eb0a54d8cb3d2100be70cca5b",
                List.of(List.of("it's"), List.of("say \"hi\"")));
        assertName("PTRN|9081324c448d5ae0cbb0c614892fa79c08e621f9", List.of(List.of("a'b\"c"), List.of("\\")));
        assertName("PTRN|13dd5c5a8d4e5bae3ed4d5dddb718ac70becfdba",
                List.of(List.of("tab\there"), List.of("back\\slash")));
        assertName("PTRN|02964b1a5f14544d815e8cd5866e2c7ad17a1a3c", List.of(List.of("é", "naïve"), List.of("日本")));
        assertName("PTRN|aef0024b694de14a3b765cfc46eb08e61f288e5e", List.of(List.of("😀", "a"), List.of("b")));
        assertName("PTRN|7018964ecad04cf348a8193d2d27cf9b74c57d93", List.of(List.of("x\u200dy"), List.of("\u0001")));
        assertName("PTRN|752b564f9b2ac81de58b9ded0c753e13bf609ceb", List.of(List.of("a b"), List.of("\u00a0x")));
        assertName("PTRN|a3d4ef2f9d0daf335d9b454f6d7fc6826f8f7dd1", List.of(List.of("\u007f"), List.of("\u0085")));
        assertName("PTRN|e39c79fa9af977d9604f420226fea004b702d2e2",
                List.of(List.of("VCTR|fe5de4472f7e4d5c9cdd19cadebfa06fe3da8e43", "alpha"), List.of("beta")));
    }

    /** Names quoted elsewhere in spec 03 (§9 auto-learn table). */
    @Test
    void autoLearnExampleName() {
        assertName("PTRN|5b93697e1e591a765dd0b3c91ae7b57fa44589d9", List.of(List.of("A"), List.of("B"), List.of("C")));
    }

    @Test
    void orderAndEventBoundariesMatter() {
        assertNotEquals(PatternName.of(List.of(List.of("a", "b"))), PatternName.of(List.of(List.of("b", "a"))));
        assertNotEquals(PatternName.of(List.of(List.of("a", "b"))), PatternName.of(List.of(List.of("a"), List.of("b"))));
    }

    @Test
    void jsonDumpsIsNotTheAlgorithm() {
        // spec 03 §12.3 pitfall: hashing json.dumps gives 29fdccad…, which must not come out
        assertNotEquals("29fdccad", PatternName.of(List.of(List.of("a", "b"), List.of("c"))).substring(0, 8));
    }

    @Test
    void prefixHandling() {
        assertEquals("PTRN|", PatternName.PREFIX);
        assertEquals("PTRN|abc", PatternName.withPrefix("abc"));
        assertEquals("abc", PatternName.stripPrefix("PTRN|abc"));
        assertEquals("abc", PatternName.stripPrefix("abc"));
        assertEquals("", PatternName.stripPrefix("PTRN|"));
        assertEquals("VCTR|abc", PatternName.stripPrefix("VCTR|abc"));
        assertEquals("PTRN|x", PatternName.stripPrefix("PTRN|PTRN|x"), "strips one prefix only");
    }

    @Test
    void sha1HexOfKnownInputs() {
        assertEquals("da39a3ee5e6b4b0d3255bfef95601890afd80709", PatternName.sha1Hex(new byte[0]));
        assertEquals("a9993e364706816aba3e25717850c26c9cd0d89d", PatternName.sha1Hex("abc".getBytes()));
    }

    /** The per-thread digest must not leak state between threads or calls. */
    @Test
    void concurrentUseGivesTheSameNames() {
        List<List<List<String>>> inputs = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            inputs.add(List.of(List.of("s" + i, "t" + (i % 7)), List.of("u" + (i % 13))));
        }
        List<String> sequential = inputs.stream().map(PatternName::of).collect(Collectors.toList());
        for (int round = 0; round < 5; round++) {
            List<String> parallel = IntStream.range(0, inputs.size()).parallel()
                    .mapToObj(i -> PatternName.of(inputs.get(i)))
                    .collect(Collectors.toList());
            assertEquals(sequential, parallel);
        }
    }
}
