package io.infrakit.rpc.wire;

import io.infrakit.rpc.wire.FlavorMessages.PrepareResponse;
import io.infrakit.rpc.wire.GroupMessages.CommitGroupRequest;
import io.infrakit.rpc.wire.GroupMessages.DescribeGroupResponse;
import io.infrakit.rpc.wire.GroupMessages.InspectGroupsResponse;
import io.infrakit.rpc.wire.InstanceMessages.DescribeInstancesResponse;
import io.infrakit.rpc.wire.InstanceMessages.ProvisionRequest;
import io.infrakit.spi.InterfaceSpec;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.Allocation;
import io.infrakit.spi.group.GroupDescription;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupSpec;
import io.infrakit.spi.instance.Attachment;
import io.infrakit.spi.instance.Description;
import io.infrakit.spi.instance.InstanceChanges;
import io.infrakit.spi.instance.InstanceSpec;
import io.infrakit.spi.registry.PluginInfo;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON shapes, field names and null behaviour of the wire protocol, against messages observed from the Go binaries. */
class WireFormatTest {

    private static String json(Object value) {
        return new String(Json.write(value), StandardCharsets.UTF_8);
    }

    private static <T> T read(String json, Class<T> type) throws IOException {
        return Json.read(json.getBytes(StandardCharsets.UTF_8), type);
    }

    @Test
    void vanillaPrepareResponseIsByteForByteWhatGoSent() {
        InstanceSpec spec = new InstanceSpec(new RawJson("{\"Note\":\"x\"}"), Map.of("tier", "web", "infrakit.group", "g"),
                "first\nline1\nline2", null, null);
        String observed = "{\"jsonrpc\":\"2.0\",\"result\":{\"Type\":\"\",\"Spec\":{\"Properties\":{\"Note\":\"x\"},"
                + "\"Tags\":{\"infrakit.group\":\"g\",\"tier\":\"web\"},\"Init\":\"first\\nline1\\nline2\",\"LogicalID\":null,"
                + "\"Attachments\":null}},\"id\":3}\n";
        assertEquals(observed, new String(JsonRpc.result("3", new PrepareResponse("", spec)), StandardCharsets.UTF_8));
    }

    @Test
    void describeResponsesMatchTheObservedShapes() {
        assertEquals("{\"Type\":\"\",\"Descriptions\":[{\"ID\":\"instance-8039158586596375848\",\"LogicalID\":\"lid-1\",\"Tags\":{\"a\":\"b\"}}]}",
                json(new DescribeInstancesResponse("", List.of(new Description("instance-8039158586596375848", "lid-1", Map.of("a", "b"))))));
        assertEquals("{\"Groups\":null}", json(new InspectGroupsResponse(null)));
        assertEquals("{\"Description\":{\"Instances\":[{\"ID\":\"i\",\"LogicalID\":null,\"Tags\":null}],\"Converged\":true}}",
                json(new DescribeGroupResponse(new GroupDescription(List.of(new Description("i", null, null)), true))));
        assertEquals("{\"Description\":{\"Instances\":null,\"Converged\":false,\"Update\":\"rolling\",\"Error\":\"stuck\"}}",
                json(new DescribeGroupResponse(new GroupDescription(null, false, "rolling", "stuck"))));
        assertEquals("{\"OK\":true}", json(CommonMessages.Ok.TRUE));
        assertEquals("{\"Size\":3,\"LogicalIDs\":null}", json(Allocation.ofSize(3)));
        assertEquals("{\"ID\":\"vol\",\"Type\":\"ebs\"}", json(new Attachment("vol", "ebs")));
        assertEquals("{\"ID\":\"cattle\",\"Properties\":null}", json(new GroupSpec("cattle", null)));
    }

    @Test
    void emptyCollectionsStayEmptyAndNullsStayNull() {
        assertEquals("{\"Properties\":null,\"Tags\":{},\"Init\":\"\",\"LogicalID\":null,\"Attachments\":[]}",
                json(new InstanceSpec(null, Map.of(), null, null, List.of())));
        assertEquals("{\"Properties\":null,\"Tags\":null,\"Init\":\"\",\"LogicalID\":null,\"Attachments\":null}",
                json(new InstanceSpec(null, null, null, null, null)));
    }

    @Test
    void tagsAreWrittenInKeyOrderLikeGoMaps() {
        assertEquals("{\"ID\":\"i\",\"LogicalID\":null,\"Tags\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}}",
                json(new Description("i", null, Map.of("c", "3", "a", "1", "b", "2"))));
    }

    @Test
    void paramsAreMatchedWithoutRegardToCaseAndUnknownFieldsAreIgnored() throws IOException {
        CommitGroupRequest r = read("{\"spec\":{\"id\":\"cattle\",\"PROPERTIES\":{\"x\":1}},\"pretend\":true,\"Extra\":[1,2]}",
                CommitGroupRequest.class);
        assertEquals(new CommitGroupRequest(new GroupSpec("cattle", new RawJson("{\"x\":1}")), true), r);
    }

    @Test
    void rawPropertiesKeepTheirExactTextAndAreCompactedOnTheWayOut() throws IOException {
        String props = "{ \"b\" : 1.50,\n \"a\": [1e3, \"\\u00e9 \\\" }\", 12345678901234567890123] }";
        ProvisionRequest r = read("{\"Type\":\"\",\"Spec\":{\"Properties\":" + props + "}}", ProvisionRequest.class);
        assertEquals(props, r.spec().properties().json(), "decoded byte for byte");
        assertEquals("{\"Type\":\"\",\"Spec\":{\"Properties\":{\"b\":1.50,\"a\":[1e3,\"\\u00e9 \\\" }\",12345678901234567890123]},"
                + "\"Tags\":null,\"Init\":\"\",\"LogicalID\":null,\"Attachments\":null}}", json(r));
        assertEquals("\"text\"", read("{\"Spec\":{\"Properties\":\"text\"}}", ProvisionRequest.class).spec().properties().json());
        assertEquals("false", read("{\"Spec\":{\"Properties\":false}}", ProvisionRequest.class).spec().properties().json());
        assertNull(read("{\"Spec\":{\"Properties\":null}}", ProvisionRequest.class).spec().properties());
    }

    @Test
    void scalarsAreAsStrictAsGo() {
        assertThrows(IOException.class, () -> read("{\"Pretend\":\"yes\"}", CommitGroupRequest.class));
        assertThrows(IOException.class, () -> read("{\"Pretend\":1}", CommitGroupRequest.class));
        assertThrows(IOException.class, () -> read("{\"Size\":1.5}", Allocation.class));
        assertThrows(IOException.class, () -> read("{\"Size\":\"3\"}", Allocation.class));
        assertThrows(IOException.class, () -> read("{\"Size\":-1}", Allocation.class));
        assertThrows(IOException.class, () -> read("{\"ID\":\"i\",\"Tags\":{\"a\":1}}", Description.class));
        assertThrows(IOException.class, () -> read("{\"ID\":[1]}", GroupMessages.GroupIdRequest.class));
    }

    @Test
    void decodingErrorsSayWhereWithoutJavaNames() {
        IOException e = assertThrows(IOException.class, () -> read("{\"Spec\":{\"ID\":\"x\"},\"Pretend\":\"yes\"}", CommitGroupRequest.class));
        String message = Json.describe(e);
        assertEquals("Pretend: expected true or false, got \"yes\"", message);
        assertFalse(message.contains("java.lang"), message);
    }

    @Test
    void requestEnvelopeKeepsIdAndParamsVerbatim() throws IOException {
        byte[] body = "{\"ID\": [1, \"x\"] ,\"Method\":\"Group.FreeGroup\",\"params\": {\"ID\" : \"g\"},\"jsonrpc\":\"2.0\"}"
                .getBytes(StandardCharsets.UTF_8);
        JsonRpc.Request r = JsonRpc.parseRequest(body);
        assertEquals("2.0", r.version());
        assertEquals("Group.FreeGroup", r.method());
        assertEquals("[1, \"x\"]", r.id());
        assertArrayEquals("{\"ID\" : \"g\"}".getBytes(StandardCharsets.UTF_8), r.params());
        assertEquals("{\"jsonrpc\":\"2.0\",\"result\":{\"OK\":true},\"id\":[1, \"x\"]}\n",
                new String(JsonRpc.result(r.id(), CommonMessages.Ok.TRUE), StandardCharsets.UTF_8));
        assertEquals("12345678901234567890123", JsonRpc.parseRequest("{\"id\":12345678901234567890123}".getBytes(StandardCharsets.UTF_8)).id());
        assertNull(JsonRpc.parseRequest("{\"id\":null,\"method\":\"a.b\"}".getBytes(StandardCharsets.UTF_8)).id());
    }

    @Test
    void envelopesThatAreNotObjectsAreParseErrors() {
        for (String bad : List.of("", "[]", "\"x\"", "{\"method\":", "{} {}", "{\"a\":1", "nul")) {
            assertThrows(IOException.class, () -> JsonRpc.parseRequest(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }

    @Test
    void anEventCountsInstancesAndSaysWhyOnlyWhenItConcernsThem() throws IOException {
        GroupEvent lost = new GroupEvent(7, 2000, "g", GroupEvent.Type.INSTANCE_LOST, "i-1 is gone", "i-1", null, 0, null);
        assertEquals("{\"Seq\":7,\"Time\":2000,\"Group\":\"g\",\"Type\":\"InstanceLost\",\"Message\":\"i-1 is gone\",\"Instance\":\"i-1\"}",
                json(lost), "no count, no cause: the 0.4.0 shape");
        GroupEvent counted = lost.withCount(3, GroupEvent.Cause.MISSING);
        String text = json(counted);
        assertTrue(text.endsWith(",\"Count\":3,\"Cause\":\"missing\"}"), text);
        assertEquals(counted, read(text, GroupEvent.class));
        assertEquals(lost, read(json(lost), GroupEvent.class), "a line written before 0.5.0 reads as count 0 and no cause");
        assertTrue(json(lost.withCount(0, GroupEvent.Cause.SCALE)).endsWith(",\"Cause\":\"scale\"}"), "a cause without a count is kept");
    }

    @Test
    void aPluginShowsItsBundleOnlyWhenOneProvidesIt() throws IOException {
        List<InterfaceSpec> specs = List.of(new InterfaceSpec("Instance", "0.3.0"));
        PluginInfo remote = new PluginInfo("instance-aws", false, specs, List.of(), "/run/infrakit/plugins/instance-aws", null);
        assertFalse(json(remote).contains("Bundle"), json(remote));
        PluginInfo local = new PluginInfo("instance-file", true, specs, List.of(), null, null, "io.infrakit.instance.file/0.1.0");
        assertTrue(json(local).endsWith(",\"Bundle\":\"io.infrakit.instance.file/0.1.0\"}"), json(local));
        assertEquals(local, read(json(local), PluginInfo.class));
    }

    @Test
    void instanceChangesHaveGoNamesAndLeaveOutAMissingDetail() throws IOException {
        InstanceChanges.Changes answer = new InstanceChanges.Changes(42, List.of(
                new InstanceChanges.Change("i-1", Map.of("infrakit.group", "web"), InstanceChanges.Kind.GONE, "exit code 137"),
                new InstanceChanges.Change("i-2", null, InstanceChanges.Kind.CHANGED, null)), false);
        String text = json(answer);
        assertEquals("{\"Seq\":42,\"Changes\":[{\"Instance\":\"i-1\",\"Tags\":{\"infrakit.group\":\"web\"},\"Kind\":\"Gone\","
                + "\"Detail\":\"exit code 137\"},{\"Instance\":\"i-2\",\"Tags\":{},\"Kind\":\"Changed\"}],\"Reset\":false}", text);
        assertEquals(answer, read(text, InstanceChanges.Changes.class));
        assertEquals(new InstanceChanges.Changes(7, List.of(), true), read("{\"seq\":7,\"changes\":null,\"reset\":true,\"More\":1}",
                InstanceChanges.Changes.class), "a plugin in another language: any case, null for no changes, unknown keys ignored");
        assertEquals(new InstanceChangesMessages.ChangesRequest(5, 30_000), read("{\"After\":5,\"WaitMillis\":30000}",
                InstanceChangesMessages.ChangesRequest.class));
        assertThrows(IOException.class, () -> read("{\"After\":\"5\"}", InstanceChangesMessages.ChangesRequest.class), "a number, as in Go");
    }

    @Test
    void compactLeavesStringsAlone() {
        assertEquals("{\"a b\":[1,2],\"c\":\" \\\" x \"}", Json.compact("{ \"a b\" : [ 1 ,\t2 ] ,\n\"c\" : \" \\\" x \" }"));
        String already = "{\"a\":1}";
        assertTrue(already == Json.compact(already), "nothing to remove: no copy");
    }
}
