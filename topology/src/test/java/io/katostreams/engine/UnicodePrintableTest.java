package io.katostreams.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Spec 03 §12.3, 04 §2.4: Python's printable set, pinned to Unicode 13.0. */
class UnicodePrintableTest {

    /** U+1FAE0 MELTING FACE was assigned in Unicode 14.0, so it is Cn (not printable) in 13.0. */
    @Test
    void meltingFaceIsUnassignedInUnicode13WhateverTheJdk() {
        assertFalse(UnicodePrintable.isPrintable(0x1FAE0));
    }

    /**
     * The pinned table against the running JDK's categories, on every JDK. With Unicode 13.0 data
     * (Java 15–17) they agree everywhere. Newer JDKs only add characters, so the one difference allowed
     * is a code point unassigned (Cn) in 13.0 that the JDK now knows; a printable 13.0 character
     * never becomes non-printable.
     */
    @Test
    void tableAgreesWithJdkCharacterDataExceptCharactersAssignedAfterUnicode13() {
        boolean unicode13 = UnicodeTableGenerator.jdkHasUnicode13();
        int newlyAssigned = 0;
        for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
            boolean jdkPrintable = !UnicodeTableGenerator.nonPrintableOnThisJdk(cp);
            boolean pinned = UnicodePrintable.isPrintable(cp);
            if (pinned == jdkPrintable) continue;
            boolean allowed = !unicode13 && !pinned && Character.getType(cp) != Character.UNASSIGNED;
            if (!allowed) assertEquals(jdkPrintable, pinned, String.format("U+%04X on %s", cp, Runtime.version()));
            newlyAssigned++;
        }
        if (unicode13) assertEquals(0, newlyAssigned);
        else assertTrue(newlyAssigned > 0, "a JDK newer than 17 carries characters assigned after Unicode 13.0");
    }

    @ParameterizedTest(name = "U+{0} printable")
    @ValueSource(strings = {
        "0020", // ASCII space (Zs, but explicitly printable)
        "0041", "007E", "00A1", "00E9", "0301", // combining acute (Mn)
        "4E2D", "AC00", "D7A3", // CJK, Hangul syllables
        "1F600", "1F642", "1F680", // emoji
        "1FAD6", // last of the 13.0 additions in that block
        "E0100", // variation selector (Mn)
        "20000", "2A6DD", "30000", // CJK extensions B, G (13.0)
    })
    void printable(String hex) {
        assertTrue(UnicodePrintable.isPrintable(Integer.parseInt(hex, 16)));
    }

    @ParameterizedTest(name = "U+{0} not printable")
    @ValueSource(strings = {
        "0000", "0009", "000A", "001F", "007F", "0080", "0085", "009F", // Cc
        "00A0", "2000", "3000", // Zs other than the ASCII space
        "00AD", "200B", "200D", "FEFF", "E0001", // Cf
        "2028", "2029", // Zl, Zp
        "D800", "DBFF", "DC00", "DFFF", // Cs
        "E000", "F8FF", "F0000", "10FFFD", // Co
        "0378", "FDD0", "FFFF", "1FAE0", "1FAFF", "2A6DE", "10FFFF", // Cn
    })
    void notPrintable(String hex) {
        assertFalse(UnicodePrintable.isPrintable(Integer.parseInt(hex, 16)));
    }

    @Test
    void outsideTheCodeSpaceIsNotPrintable() {
        assertFalse(UnicodePrintable.isPrintable(-1));
        assertFalse(UnicodePrintable.isPrintable(0x110000));
        assertFalse(UnicodePrintable.isPrintable(Integer.MAX_VALUE));
        assertFalse(UnicodePrintable.isPrintable(Integer.MIN_VALUE));
    }
}
