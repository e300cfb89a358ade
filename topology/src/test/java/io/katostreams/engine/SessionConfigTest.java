package io.katostreams.engine;

import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Session settings: creation quirk, update validation, auto-toggle, resolution (spec 02 §5). */
class SessionConfigTest {

    private static final List<Object> BODY = List.of("body");

    @Test
    void creationKeepsValidKeysAndReplacesAnUnknownStmMode() {
        SessionConfig c = SessionConfig.forCreation(Map.of("max_pattern_length", BigInteger.valueOf(3), "stm_mode", "weird",
                "unknown_key", 1));
        assertEquals(Map.of("max_pattern_length", 3L, "stm_mode", "CLEAR"), c.asMap());
    }

    @Test
    void oneInvalidValueAtCreationDiscardsTheWholeConfiguration() {
        assertTrue(SessionConfig.forCreation(Map.of("max_pattern_length", BigInteger.valueOf(3),
                "persistence", BigInteger.valueOf(101))).isEmpty());
        assertTrue(SessionConfig.forCreation(Map.of("max_pattern_length", "5")).isEmpty(), "a string for an integer");
        assertTrue(SessionConfig.forCreation(Map.of("sort_symbols", "yes")).isEmpty(), "a non-boolean (required fix)");
        assertTrue(SessionConfig.forCreation(Map.of("max_pattern_length", 2.5)).isEmpty(), "a non-integral number");
        assertTrue(SessionConfig.forCreation(Map.of("indexer_type", "XYZ")).isEmpty());
        assertEquals(Map.of("max_pattern_length", 3L), SessionConfig.forCreation(Map.of("max_pattern_length", 3.0)).asMap());
    }

    @Test
    void updateAppliesTheAutoToggleAndStoresStmModeVerbatim() {
        SessionConfig c = SessionConfig.EMPTY.update(Map.of("use_token_matching", false, "stm_mode", "INVALID_MODE"), BODY);
        assertEquals(false, c.get(SessionSettings.SORT_SYMBOLS));
        assertEquals("INVALID_MODE", c.get(SessionSettings.STM_MODE));
        assertEquals("CLEAR", c.effective(SessionConfig.declaredDefaults()).rolling() ? "ROLLING" : "CLEAR");
        SessionConfig both = SessionConfig.EMPTY.update(Map.of("use_token_matching", false, "sort_symbols", true), BODY);
        assertEquals(true, both.get(SessionSettings.SORT_SYMBOLS));
    }

    @Test
    void nullResetsAKeyToTheDefault() {
        SessionConfig c = SessionConfig.EMPTY.update(Map.of("recall_threshold", 0.7), BODY);
        Map<String, Object> reset = new HashMap<>();
        reset.put("recall_threshold", null);
        c = c.update(reset, BODY);
        assertTrue(c.isEmpty());
        assertEquals(0.1, c.effective(SessionConfig.declaredDefaults()).recallThreshold());
    }

    @Test
    void anInvalidUpdateNamesEveryFailingKeyAndChangesNothing() {
        SessionConfig before = SessionConfig.EMPTY.update(Map.of("max_predictions", BigInteger.TEN), BODY);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> before.update(
                Map.of("recall_threshold", 1.5, "persistence", BigInteger.ZERO, "sort_symbols", "yes",
                        "max_predictions", BigInteger.ONE), List.of("body", "config")));
        assertEquals(3, e.errors().size());
        Map<String, String> byKey = new HashMap<>();
        for (ValidationError ve : e.errors()) byKey.put((String) ve.loc().get(2), ve.type());
        assertEquals(Map.of("recall_threshold", "less_than_equal", "persistence", "greater_than_equal",
                "sort_symbols", "bool_type"), byKey);
        assertTrue(e.getMessage().contains("body.config.recall_threshold"), e.getMessage());
        assertTrue(e.getMessage().contains("number 0 … 1"), e.getMessage());
        assertEquals(10L, before.get(SessionSettings.MAX_PREDICTIONS));
    }

    @Test
    void integerKeysRejectFractionsAndStrings() {
        InvalidInputException frac = assertThrows(InvalidInputException.class,
                () -> SessionConfig.EMPTY.update(Map.of("max_pattern_length", 2.5), BODY));
        assertEquals("int_from_float", frac.errors().get(0).type());
        InvalidInputException huge = assertThrows(InvalidInputException.class,
                () -> SessionConfig.EMPTY.update(Map.of("max_pattern_length", 1e20), BODY));
        assertEquals("int_parsing", huge.errors().get(0).type(), "integral, just too large: not 'a fractional part'");
        InvalidInputException text = assertThrows(InvalidInputException.class,
                () -> SessionConfig.EMPTY.update(Map.of("max_predictions", "5"), BODY));
        assertEquals("int_type", text.errors().get(0).type());
        InvalidInputException filter = assertThrows(InvalidInputException.class,
                () -> SessionConfig.EMPTY.update(Map.of("candidate_filter", "fast"), BODY));
        assertEquals("literal_error", filter.errors().get(0).type());
    }

    @Test
    void serviceDefaultsComeFromTheEnvironmentWithTheSameRules() {
        SessionConfig d = SessionConfig.fromEnvironment(Map.of("RECALL_THRESHOLD", "0.25", "SORT_SYMBOLS", "off",
                "MAX_PATTERN_LENGTH", "4", "STM_MODE", "ROLLING"));
        EffectiveConfig e = SessionConfig.EMPTY.effective(d);
        assertEquals(0.25, e.recallThreshold());
        assertEquals(false, e.sortSymbols());
        assertEquals(4, e.maxPatternLength());
        assertTrue(e.rolling());
        InvalidInputException bad = assertThrows(InvalidInputException.class,
                () -> SessionConfig.fromEnvironment(Map.of("MAX_PREDICTIONS", "0")));
        assertTrue(bad.getMessage().startsWith("MAX_PREDICTIONS"), bad.getMessage());
    }

    @Test
    void sessionValuesWinOverServiceDefaults() {
        SessionConfig defaults = SessionConfig.fromEnvironment(Map.of("MAX_PREDICTIONS", "7"));
        assertEquals(7, SessionConfig.EMPTY.effective(defaults).maxPredictions());
        SessionConfig mine = SessionConfig.EMPTY.update(Map.of("max_predictions", BigInteger.valueOf(3)), BODY);
        assertEquals(3, mine.effective(defaults).maxPredictions());
    }
}
