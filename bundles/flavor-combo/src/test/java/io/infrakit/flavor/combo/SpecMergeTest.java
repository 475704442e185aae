package io.infrakit.flavor.combo;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SpecMergeTest {

    @ParameterizedTest(name = "given [{0}], part returned [{1}] -> [{2}]")
    @CsvSource(delimiter = ';', quoteCharacter = '\'', value = {
        // the part appended (vanilla): its answer as it is
        "a;a\\nb;a\\nb",
        "'';b;b",
        // the part answered only its own lines (written for the original combo): appended once
        "a;b;a\\nb",
        // the part put its lines in front: moved after the earlier ones, not doubled
        "a;b\\na;a\\nb",
        // nothing added, or the script wiped: nothing lost
        "a;a;a",
        "a;'';a",
        "'';'';''"})
    void theInitScriptIsTheGivenOneFollowedByThePartsAdditionOnce(String given, String returned, String expected) {
        assertEquals(unescape(expected), SpecMerge.init(unescape(given), unescape(returned)));
    }

    private static String unescape(String s) {
        return s == null ? "" : s.replace("\\n", "\n");
    }
}
