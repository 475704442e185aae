package io.infrakit.rpc.wire;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.group.GroupSpec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link JsonCodec#decodeStrict}: what a user wrote, refused with one clear sentence; the wire stays lenient. */
class StrictDecodingTest {

    /** The shape of the default group plugin's properties (the group bundle's own record is not visible here). */
    record PluginSpec(String plugin, RawJson properties) {
    }

    record Update(Integer maxUnavailable, Integer maxSurge, Integer healthTimeoutSeconds, Boolean autoRollback) {
    }

    record GroupProperties(PluginSpec instance, PluginSpec flavor, Allocation allocation, Update update) {
    }

    record Vanilla(List<String> init, Map<String, String> tags) {
    }

    private final JsonCodec codec = new WireJsonCodec();

    private String refusal(String json) {
        return refusal(json, GroupProperties.class, "Properties");
    }

    private String refusal(String json, Class<?> type, String path) {
        PluginException e = assertThrows(PluginException.class, () -> codec.decodeStrict(new RawJson(json), type, path), json);
        assertClean(e.getMessage());
        assertNull(e.getCause(), "no library exception travels with the message");
        return e.getMessage();
    }

    /** No message may show the library, Java names or Jackson's explanations. */
    static void assertClean(String message) {
        for (String internal : List.of("Jackson", "jackson", "CoercionConfig", "Cannot construct", "Cannot deserialize", "reference chain",
                "io.infrakit", "java.", "`", "Source:", "StreamReadConstraints", "ALLOW_", "FAIL_ON", "(code ", "JsonToken", "\n")) {
            assertFalse(message.contains(internal), "'" + internal + "' in: " + message);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            {"Updte": {}}                                   | unknown key Properties.Updte: did you mean Update?
            {"Allocaton": {"Size": 3}}                      | unknown key Properties.Allocaton: did you mean Allocation?
            {"Allocation": {"Sise": 3}}                     | unknown key Properties.Allocation.Sise: did you mean Size?
            {"Allocation": {"LogicalID": ["a"]}}            | unknown key Properties.Allocation.LogicalID: did you mean LogicalIDs?
            {"Update": {"MaxSurg": 1}}                      | unknown key Properties.Update.MaxSurg: did you mean MaxSurge?
            {"Update": {"HealthTimeout": 60}}               | unknown key Properties.Update.HealthTimeout: did you mean HealthTimeoutSeconds?
            {"Falvor": {}}                                  | unknown key Properties.Falvor: did you mean Flavor?
            {"Instance": {"Plugn": "instance-file"}}        | unknown key Properties.Instance.Plugn: did you mean Plugin?
            {"update": {"maxsurg": 1}}                      | unknown key Properties.Update.maxsurg: did you mean maxSurge?
            {"Colour": "blue"}                              | unknown key Properties.Colour (the keys there are Allocation, Flavor, Instance, Update)
            {"Allocation": {"Size": 1}, "Allocation": {}}   | duplicate key Properties.Allocation
            """)
    void unknownAndDuplicateKeysAreRefusedWithTheClosestKnownKey(String json, String message) {
        assertEquals(message, refusal(json));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            {"Allocation": {"Size": "three"}}               | Properties.Allocation.Size: expected a whole number, got "three"
            {"Allocation": {"Size": "3"}}                   | Properties.Allocation.Size: expected a whole number, got "3"
            {"Allocation": {"size": "3"}}                   | Properties.Allocation.Size: expected a whole number, got "3"
            {"Allocation": {"Size": 3.5}}                   | Properties.Allocation.Size: expected a whole number, got 3.5
            {"Allocation": {"Size": 1e400}}                 | Properties.Allocation.Size: expected a whole number, got 1e400
            {"Allocation": {"Size": true}}                  | Properties.Allocation.Size: expected a whole number, got true
            {"Allocation": {"Size": [3]}}                   | Properties.Allocation.Size: expected a whole number, got an array
            {"Allocation": {"Size": 99999999999999999999}}  | Properties.Allocation.Size: expected a whole number from -9223372036854775808 to 9223372036854775807, got 99999999999999999999
            {"Allocation": {"Size": -3}}                    | Properties.Allocation: Size must not be negative: -3
            {"Allocation": [3]}                             | Properties.Allocation: expected an object, got an array
            {"Allocation": 3}                               | Properties.Allocation: expected an object, got 3
            {"Allocation": ""}                              | Properties.Allocation: expected an object, got ""
            {"Allocation": {"LogicalIDs": "a"}}             | Properties.Allocation.LogicalIDs: expected an array, got "a"
            {"Allocation": {"LogicalIDs": ["a", 2]}}        | Properties.Allocation.LogicalIDs[1]: expected a string, got 2
            {"Allocation": {"LogicalIDs": [["a"]]}}         | Properties.Allocation.LogicalIDs[0]: expected a string, got an array
            {"Update": {"MaxSurge": 99999999999}}           | Properties.Update.MaxSurge: expected a whole number from -2147483648 to 2147483647, got 99999999999
            {"Update": {"MaxSurge": -1.5}}                  | Properties.Update.MaxSurge: expected a whole number, got -1.5
            {"Update": {"AutoRollback": "yes"}}             | Properties.Update.AutoRollback: expected true or false, got "yes"
            {"Update": {"AutoRollback": 1}}                 | Properties.Update.AutoRollback: expected true or false, got 1
            {"Update": []}                                  | Properties.Update: expected an object, got an array
            {"Instance": {"Plugin": 7}}                     | Properties.Instance.Plugin: expected a string, got 7
            {"Instance": {"Plugin": {"Name": "x"}}}         | Properties.Instance.Plugin: expected a string, got an object
            {"Instance": "instance-file"}                   | Properties.Instance: expected an object, got "instance-file"
            [1]                                             | Properties: expected an object, got an array
            "cattle"                                        | Properties: expected an object, got "cattle"
            {"Allocation": {"Size": 1}} {}                  | Properties: has more text after its JSON value
            {"Allocation": {"Size": }}                      | Properties: not valid JSON at line 1, column 25: unexpected character '}', expected a value
            {"Allocation": {"Size": 01}}                    | Properties: not valid JSON at line 1, column 26: invalid number: leading zeroes not allowed
            {"Allocation": {"Size": NaN}}                   | Properties: not valid JSON at line 1, column 28: NaN is not a JSON value
            {Allocation: 1}                                 | Properties: not valid JSON at line 1, column 2: unexpected character 'A', expected a key in double quotes
            {"Allocation" 1}                                | Properties: not valid JSON at line 1, column 15: unexpected character '1', expected a colon after the key
            {"Allocation": {"Size": 1}                      | Properties: not valid JSON at line 1, column 27: the text ends before the object is closed
            """)
    void valuesOfTheWrongKindSayWhereWhatWasExpectedAndWhatWasFound(String json, String message) {
        assertEquals(message, refusal(json));
    }

    @Test
    void limitsAndControlCharactersAreExplainedToo() {
        assertEquals("Properties.Allocation: cannot read a number of more than 1000 digits",
                refusal("{\"Allocation\": {\"Size\": " + "9".repeat(1001) + "}}"));
        assertEquals("Properties.Instance.Properties: cannot read JSON nested more than 1000 levels deep",
                refusal("{\"Instance\": {\"Properties\": " + "[".repeat(1001) + "]".repeat(1001) + "}}"));
        assertEquals("Properties: not valid JSON at line 1, column 34: control character 10 must be escaped in a string",
                refusal("{\"Instance\": {\"Plugin\": \"instance\nfile\"}}"));
        assertEquals("Properties.Allocation.Size: expected a whole number, got \"" + "x".repeat(37) + "... (50 characters)\"",
                refusal("{\"Allocation\": {\"Size\": \"" + "x".repeat(50) + "\"}}"));
    }

    @Test
    void keysThatAreNotPlainNamesAreQuotedInThePath() {
        assertEquals("Properties.Tags[\"a b.c\"]: expected a string, got 1", refusal("{\"Tags\": {\"a b.c\": 1}}", Vanilla.class, "Properties"));
        assertEquals("unknown key Properties[\"my key\"] (the keys there are Init, Tags)", refusal("{\"my key\": 1}", Vanilla.class, "Properties"));
        assertEquals("unknown key Properties.Inti: did you mean Init?", refusal("{\"Inti\": []}", Vanilla.class, "Properties"));
    }

    @Test
    void aDocumentOfItsOwnHasPathsFromItsRoot() {
        assertEquals("unknown key Propertes: did you mean Properties?", refusal("{\"ID\": \"g\", \"Propertes\": {}}", GroupSpec.class, ""));
        assertEquals("ID: expected a string, got 1", refusal("{\"ID\": 1}", GroupSpec.class, ""));
        assertEquals("expected an object, got an array", refusal("[]", GroupSpec.class, ""));
    }

    @Test
    void opaquePropertiesMapsAndNullsAreNotLookedInto() throws Exception {
        GroupProperties p = codec.decodeStrict(new RawJson(
                "{\"instance\": {\"plugin\": \"x\", \"Properties\": {\"Anything\": [1, {\"Goes\": true}]}}, \"Allocation\": {\"Size\": null}}"),
                GroupProperties.class, "Properties");
        assertEquals("{\"Anything\": [1, {\"Goes\": true}]}", p.instance().properties().json());
        assertEquals(0, p.allocation().size());
        assertEquals(Map.of("any key", "v"), codec.decodeStrict(new RawJson("{\"Tags\": {\"any key\": \"v\"}}"), Vanilla.class, "").tags());
        assertNull(codec.decodeStrict(null, Vanilla.class, "Properties"));
        assertNull(codec.decodeStrict(new RawJson("null"), Vanilla.class, "Properties"));
    }

    @Test
    void theWireAndLenientDecodingStillIgnoreUnknownKeysButExplainTheRest() throws Exception {
        assertEquals(new Vanilla(List.of("a"), null), codec.decode(new RawJson("{\"Init\": [\"a\"], \"Extra\": 1}"), Vanilla.class));
        GroupMessages.CommitGroupRequest request = Json.read("{\"Spec\": {\"ID\": \"g\", \"Extra\": 1}, \"Pretend\": true, \"Newer\": 2}"
                .getBytes(StandardCharsets.UTF_8), GroupMessages.CommitGroupRequest.class);
        assertEquals("g", request.spec().id());

        PluginException e = assertThrows(PluginException.class, () -> codec.decode(new RawJson("{\"Init\": \"one\"}"), Vanilla.class));
        assertEquals("Invalid properties: Init: expected an array, got \"one\"", e.getMessage());
        IOException wire = assertThrows(IOException.class, () -> Json.read("{\"Spec\": {\"ID\": \"x\"}, \"Pretend\": \"yes\"}"
                .getBytes(StandardCharsets.UTF_8), GroupMessages.CommitGroupRequest.class));
        assertEquals("Pretend: expected true or false, got \"yes\"", Json.describe(wire));
    }

    @Test
    void closestKeysAreFoundByEditDistanceWithoutRegardToCase() {
        List<String> keys = List.of("Allocation", "Flavor", "Instance", "Update");
        assertEquals(List.of("Update"), ClosestKeys.of("Updte", keys));
        assertEquals(List.of("Flavor"), ClosestKeys.of("FALVOR", keys));
        assertEquals(List.of("Instance"), ClosestKeys.of("instnace", keys));
        assertEquals(List.of(), ClosestKeys.of("Colour", keys));
        assertEquals(List.of(), ClosestKeys.of("Up", keys), "two letters: a start of too many things");
        assertEquals(List.of("Size", "Side"), ClosestKeys.of("Sise", List.of("Size", "Side", "Sides")));
        assertEquals(List.of(), ClosestKeys.of("Max", List.of("MaxSurge", "MaxUnavailable")), "the start of two keys is no suggestion");
        assertEquals(1, ClosestKeys.distance("flavor", "falvor"));
        assertEquals(1, ClosestKeys.distance("ab", "ba"));
        assertEquals(3, ClosestKeys.distance("kitten", "sitting"));
    }
}
