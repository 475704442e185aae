package io.infrakit.shell;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TagTextTest {

    @Test
    void parsesCommaSeparatedAndRepeatedValues() throws Exception {
        assertEquals(Map.of("tier", "web", "project", "infrakit", "zone", "a"),
                TagText.parse(List.of("tier=web, project=infrakit", "zone=a")));
    }

    @Test
    void aValueMayContainEqualsAndMayBeEmpty() throws Exception {
        assertEquals(Map.of("expr", "a=b", "empty", ""), TagText.parse(List.of("expr=a=b,empty=")));
    }

    @Test
    void theLastValueOfAKeyWinsAndEmptyItemsAreSkipped() throws Exception {
        assertEquals(Map.of("tier", "db"), TagText.parse(List.of("tier=web,,", "tier=db")));
        assertEquals(Map.of(), TagText.parse(null));
    }

    @Test
    void anItemWithoutKeyOrEqualsIsRefusedByName() {
        CommandException noEquals = assertThrows(CommandException.class, () -> TagText.parse(List.of("tier")));
        assertEquals("Invalid tag 'tier': expected key=value (for example tier=web)", noEquals.getMessage());
        CommandException noKey = assertThrows(CommandException.class, () -> TagText.parse(List.of("a=1,=web")));
        assertEquals("Invalid tag '=web': expected key=value (for example tier=web)", noKey.getMessage());
    }

    @Test
    void formatsAsTheGoCliSortingTheKeyValueStrings() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("tier", "web");
        tags.put("a", "1");
        tags.put("a.b", "2");
        // Go sorts the "k=v" strings: '.' sorts before '=', so a.b=2 comes before a=1
        assertEquals("a.b=2,a=1,tier=web", TagText.format(tags));
        assertEquals("", TagText.format(null));
    }
}
