package io.infrakit.group;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** What {@link GroupProperties#parse} refuses, and how it says so: a JSON path from the spec's root and no library text. */
class GroupPropertiesTest {

    private static final String VALID = """
            {"Allocation": {"Size": 3},
             "Instance": {"Plugin": "instance-file", "Properties": {"Note": "any keys, the plugin checks them"}},
             "Flavor": {"Plugin": "flavor-vanilla", "Properties": {"Whatever": 1}},
             "Update": {"MaxUnavailable": 1, "MaxSurge": 1, "MinHealthySeconds": 5, "HealthTimeoutSeconds": 60,
                        "UnhealthySeconds": 10, "AutoRollback": true}}""";

    private final WireJsonCodec json = new WireJsonCodec();

    private String refusal(String properties) {
        String message = assertThrows(PluginException.class, () -> GroupProperties.parse(new RawJson(properties), json), properties).getMessage();
        for (String internal : List.of("Jackson", "CoercionConfig", "Cannot construct", "Cannot deserialize", "reference chain", "io.infrakit",
                "java.", "`", "UpdatePolicy[", "Invalid properties: at")) {
            assertFalse(message.contains(internal), "'" + internal + "' in: " + message);
        }
        return message;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            Allocation -> Allocaton      | unknown key Properties.Allocaton: did you mean Allocation?
            Update -> Updte              | unknown key Properties.Updte: did you mean Update?
            Size -> Sise                 | unknown key Properties.Allocation.Sise: did you mean Size?
            MaxSurge -> MaxSurg          | unknown key Properties.Update.MaxSurg: did you mean MaxSurge?
            AutoRollback -> AutoRolback  | unknown key Properties.Update.AutoRolback: did you mean AutoRollback?
            Instance -> Intance          | unknown key Properties.Intance: did you mean Instance?
            Flavor -> Falvor             | unknown key Properties.Falvor: did you mean Flavor?
            Plugin -> Plugn              | unknown key Properties.Instance.Plugn: did you mean Plugin?
            Update -> Rollout            | unknown key Properties.Rollout (the keys there are Allocation, Flavor, Instance, Update)
            """)
    void aMistypedKeyIsRefusedWithTheKeyItMostLikelyMeant(String typo, String message) {
        String[] change = typo.split(" -> ");
        // the first occurrence of the key in the valid properties, mistyped
        String properties = VALID.replaceFirst("\"" + change[0] + "\"", "\"" + change[1] + "\"");
        assertEquals(message, refusal(properties));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            {"Allocation": {"Size": "three"}}                         | Properties.Allocation.Size: expected a whole number, got "three"
            {"Allocation": {"Size": 2.5}}                             | Properties.Allocation.Size: expected a whole number, got 2.5
            {"Allocation": {"Size": -3}}                              | Properties.Allocation: Size must not be negative: -3
            {"Allocation": {"Size": 123456789012345678901234567890}}  | Properties.Allocation.Size: expected a whole number from -9223372036854775808 to 9223372036854775807, got 123456789012345678901234567890
            {"Allocation": [5]}                                       | Properties.Allocation: expected an object, got an array
            {"Allocation": {"LogicalIDs": "10.0.0.1"}}                | Properties.Allocation.LogicalIDs: expected an array, got "10.0.0.1"
            {"Allocation": {"LogicalIDs": ["10.0.0.1", 2]}}           | Properties.Allocation.LogicalIDs[1]: expected a string, got 2
            {"Allocation": {"Size": 1}, "Instance": []}               | Properties.Instance: expected an object, got an array
            {"Allocation": {"Size": 1}, "Flavor": {"Plugin": false}}  | Properties.Flavor.Plugin: expected a string, got false
            {"Allocation": {"Size": 1}, "Update": {"MaxSurge": "1"}}  | Properties.Update.MaxSurge: expected a whole number, got "1"
            {"Allocation": {"Size": 1}, "Update": {"MaxSurge": 4294967296}} | Properties.Update.MaxSurge: expected a whole number from -2147483648 to 2147483647, got 4294967296
            {"Allocation": {"Size": 1}, "Update": {"AutoRollback": "true"}} | Properties.Update.AutoRollback: expected true or false, got "true"
            {"Allocation": {"Size": 1}, "Update": {"MaxSurge": -1}}   | Properties.Update.MaxSurge: expected a whole number of 0 or more, got -1
            {"Allocation": {"Size": 1}, "Update": {"MaxUnavailable": -2}} | Properties.Update.MaxUnavailable: expected a whole number of 0 or more, got -2
            {"Allocation": {"Size": 1}, "Update": {"MinHealthySeconds": -5}} | Properties.Update.MinHealthySeconds: expected a whole number of 0 or more, got -5
            {"Allocation": {"Size": 1}, "Update": {"UnhealthySeconds": -1}} | Properties.Update.UnhealthySeconds: expected a whole number of 0 or more, got -1
            {"Allocation": {"Size": 1}, "Update": {"HealthTimeoutSeconds": 0}} | Properties.Update.HealthTimeoutSeconds: expected a whole number of 1 or more, got 0
            [1, 2]                                                    | Properties: expected an object, got an array
            "cattle"                                                  | Properties: expected an object, got "cattle"
            {"Allocation": {"Size": 1}, "Allocation": {"Size": 2}}    | duplicate key Properties.Allocation
            """)
    void aValueOfTheWrongKindSaysWhereWhatWasExpectedAndWhatWasFound(String properties, String message) {
        assertEquals(message, refusal(properties));
    }

    @Test
    void theOriginalsMessagesStayForTheAllocationRules() {
        assertEquals("Allocation must not be blank", refusal("{\"Allocation\": {\"Size\": null}}"));
        assertEquals("Only one Allocation method may be used", refusal("{\"Allocation\": {\"Size\": 1, \"LogicalIDs\": [\"a\"]}}"));
    }

    @Test
    void keysMatchWithoutRegardToCaseAndPluginPropertiesAreLeftToThePlugins() throws Exception {
        GroupProperties p = GroupProperties.parse(new RawJson(VALID), json);
        assertEquals("{\"Note\": \"any keys, the plugin checks them\"}", p.instance().properties().json());
        assertEquals(new GroupProperties.UpdatePolicy(1, 1, 5, 60, 10, true), p.update());
        GroupProperties lower = GroupProperties.parse(new RawJson("{\"allocation\": {\"size\": 2}, \"update\": {\"maxsurge\": 1}}"), json);
        assertEquals(2, lower.targetSize());
        assertEquals(1, lower.update().maxSurge());
    }
}
