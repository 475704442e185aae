package io.infrakit.rpc.wire;

import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoJsonTest {

    private final WireJsonCodec codec = new WireJsonCodec();

    /** The Instance and Flavor sections of the tutorial's cattle.json and cattle2.json. */
    private static final String INSTANCE_1 = "{\"Plugin\": \"instance-file\", \"Properties\": {\"Note\": \"Instance properties version 1.0\"}}";
    private static final String INSTANCE_2 = "{\"Plugin\": \"instance-file\", \"Properties\": {\"Note\": \"Instance properties version 2.0\"}}";
    private static final String FLAVOR = "{\"Plugin\": \"flavor-vanilla\", \"Properties\": {\"Init\": [\"docker pull nginx:alpine\","
            + " \"docker run -d -p 80:80 nginx-alpine\"], \"Tags\": {\"tier\": \"web\", \"project\": \"infrakit\"}}}";

    private String sha(String instance, String flavor) throws Exception {
        String text = codec.encodeStable(new RawJson(instance), "  ", "  ") + codec.encodeStable(new RawJson(flavor), "  ", "  ");
        byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().encodeToString(digest);
    }

    @Test
    void theStableFormGivesTheGoldenConfigHashes() throws Exception {
        assertEquals("006438mMXW8gXeYtUxgf9Zbg94Y=", sha(INSTANCE_1, FLAVOR));
        assertEquals("eB2JuP0c5Sf41X5e2vc2gJ4ZTVg=", sha(INSTANCE_2, FLAVOR));
    }

    @Test
    void theStableFormSortsKeysAndWritesNumbersAsGoFloats() {
        assertEquals("{\n  \"a\": [\n    1,\n    1.5,\n    1e+21,\n    1e-7,\n    100000,\n    {}\n  ],\n  \"b\": \"\\u003cx\\u003e \\u0026\"\n}",
                codec.encodeStable(new RawJson("{\"b\":\"<x> &\",\"a\":[1.0,1.50,1e21,0.0000001,1e5,{}]}"), "", "  "));
    }

    @Test
    void indentingKeepsOrderAndNumberText() {
        record File(String id, String logicalID, Map<String, String> tags, RawJson spec) {
        }
        String file = codec.encodeIndented(new File("instance-1", null, Map.of("b", "2", "a", "1"),
                new RawJson("{\"z\": 1.50, \"a\": [], \"m\": {\"x\": 1e3}}")), "", "");
        assertEquals("{\n\"ID\": \"instance-1\",\n\"LogicalID\": null,\n\"Tags\": {\n\"a\": \"1\",\n\"b\": \"2\"\n},\n"
                + "\"Spec\": {\n\"z\": 1.50,\n\"a\": [],\n\"m\": {\n\"x\": 1e3\n}\n}\n}", file);
    }

    @Test
    void goFloatFormatting() {
        assertEquals("0", GoJson.formatFloat(0));
        assertEquals("-2.5", GoJson.formatFloat(-2.5));
        assertEquals("123456789", GoJson.formatFloat(123456789));
        assertEquals("1.2345e+22", GoJson.formatFloat(1.2345e22));
        assertEquals("1e-10", GoJson.formatFloat(1e-10));
        assertEquals("0.000001", GoJson.formatFloat(1e-6));
    }

    @Test
    void decodingPropertiesGivesClearErrors() throws Exception {
        record Vanilla(List<String> init, Map<String, String> tags) {
        }
        assertEquals(new Vanilla(List.of("a"), Map.of("t", "v")), codec.decode(new RawJson("{\"init\":[\"a\"],\"Tags\":{\"t\":\"v\"},\"x\":1}"), Vanilla.class));
        assertNull(codec.decode(null, Vanilla.class));
        PluginException e = assertThrows(PluginException.class, () -> codec.decode(new RawJson("{\"Init\":\"one\"}"), Vanilla.class));
        assertEquals("Invalid properties: Init: expected an array, got \"one\"", e.getMessage());
        assertEquals("{\"Init\":[\"a\"],\"Tags\":null}", codec.encode(new Vanilla(List.of("a"), null)).json());
    }
}
