package io.infrakit.itests;

import static io.infrakit.itests.Lifecycle.awaitPluginSocket;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.PluginName;
import io.infrakit.spi.instance.InstancePlugin;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import javax.inject.Inject;

import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Bounds and loud failures, end to end through the {@code group} socket of the distribution:
 *
 * <ul>
 * <li>a group of a billion instances is refused with an error naming the limit ({@code max.size}, 100,000 by
 * default), nothing is stored, and Karaf and the other groups go on (the original accepted it and planned
 * for it);</li>
 * <li>a group ID longer than 255 bytes, or with a control character or NUL, is refused and nothing is stored
 * (the original accepted any ID that was not blank);</li>
 * <li>an instance plugin that throws an {@link Error} does not stop its group's loop: DescribeGroup's
 * {@code Error} names it, and the group converges once the plugin behaves again. The error is thrown by
 * DescribeInstances itself, and by the listing it answered as the group plugin reads it (which, in the
 * original, ended the group's loop for good).</li>
 * </ul>
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GroupBoundsIT {

    private static final Duration CONVERGENCE_WAIT = Duration.ofSeconds(30);

    /** The group plugin's max.size default. */
    private static final int MAX_SIZE = 100_000;

    private static final String ERRATIC = "it-erratic";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    private BundleContext context;

    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();
    private final List<String> committed = new ArrayList<>();
    private RpcClient client;
    private Path instancesDir;
    private Path globalConfig;
    private Path group;
    private Path stateless;

    @Configuration
    public Option[] configuration() throws IOException {
        return Lifecycle.container(Lifecycle.REPLACEMENT_TIMEOUT_MS);
    }

    @Before
    public void setUp() throws Exception {
        instancesDir = Path.of(Lifecycle.required(Lifecycle.INSTANCES_DIR));
        // Lifecycle.container puts the manager's store beside the instances directory
        globalConfig = instancesDir.resolveSibling(instancesDir.getFileName() + "-configs").resolve("global.config");
        client = new RpcClient(Duration.ofSeconds(10));
        group = awaitPluginSocket("group");
        stateless = awaitPluginSocket("group-stateless");
    }

    @After
    public void tearDown() {
        for (String id : committed) {
            try {
                client.call(group, "Group.DestroyGroup", "{\"ID\":" + quote(id) + "}");
            } catch (Exception e) {
                System.err.println("GroupBoundsIT: destroying " + id + " failed: " + e.getMessage());
            }
        }
        registrations.forEach(ServiceRegistration::unregister);
        client.close();
    }

    @Test
    public void aBillionInstancesIsRefusedNamingTheLimitAndOtherGroupsGoOn() throws Exception {
        commit("steady", 2, "instance-file");
        Await.until(CONVERGENCE_WAIT, "steady converged with 2 instance files", () -> convergedFiles("steady", 2));

        PluginException refused = assertThrows(PluginException.class, () -> commit("huge", 1_000_000_000, "instance-file"));
        String message = refused.getMessage();
        assertTrue("the error names the size, the limit and the setting: " + message,
                message.contains("1000000000") && message.contains(Integer.toString(MAX_SIZE)) && message.contains("max.size"));
        assertNotStored("huge");

        Bundle groupBundle = Lifecycle.bundle(context, "io.infrakit.group");
        assertEquals("the group plugin's bundle is active", Bundle.ACTIVE, groupBundle.getState());
        Set<String> before = InstanceFiles.ofGroup(instancesDir, "steady");
        String lost = before.iterator().next();
        Files.delete(instancesDir.resolve(lost));
        Await.until(CONVERGENCE_WAIT, "steady's deleted instance " + lost + " replaced", () -> {
            Set<String> now = InstanceFiles.ofGroup(instancesDir, "steady");
            return !now.contains(lost) && convergedFiles("steady", 2);
        });
        assertEquals("the manager still leads", "true", call(group, "Manager.IsLeader", "{}").path("Leader").asText());
    }

    @Test
    public void overLongAndControlCharacterGroupIdsAreRefusedAndNothingIsStored() throws Exception {
        String ascii256 = "g".repeat(256);
        String twoByte256 = "é".repeat(128); // 128 characters, 256 bytes of UTF-8
        for (String id : List.of(ascii256, twoByte256)) {
            PluginException refused = assertThrows(PluginException.class, () -> commit(id, 1, "instance-file"));
            assertTrue("the error names the limit: " + refused.getMessage(), refused.getMessage().contains("255 bytes"));
            assertNotStored(id);
        }
        for (String id : List.of("nul\u0000id", "bell\u0007id", "new\nline", "\u0000")) {
            PluginException refused = assertThrows(PluginException.class, () -> commit(id, 1, "instance-file"));
            assertTrue("the error says what is wrong: " + refused.getMessage(), refused.getMessage().contains("control characters"));
            assertNotStored(id);
        }
        // the limit itself is allowed (a dry run: nothing is stored either way)
        String ascii255 = "g".repeat(255);
        JsonNode pretend = call(group, "Group.CommitGroup", "{\"Spec\":" + spec(ascii255, 1, "instance-file") + ",\"Pretend\":true}");
        assertEquals("Managing 1 instances", pretend.path("Details").asText());
        assertNotStored(ascii255);
    }

    @Test
    public void anErrorThrownByTheInstancePluginIsReportedAndTheGroupGoesOn() throws Exception {
        ErraticInstancePlugin erratic = new ErraticInstancePlugin();
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(PluginName.SERVICE_PROPERTY, ERRATIC);
        registrations.add(context.registerService(InstancePlugin.class, erratic, properties));

        commit("erratic", 2, ERRATIC);
        Await.until(CONVERGENCE_WAIT, "erratic converged with 2 instances", () -> convergedErratic(erratic));

        List<String> reported = new ArrayList<>();
        record Misbehaviour(String name, Runnable arm, String expected) {
        }
        List<Misbehaviour> cases = List.of(
                new Misbehaviour("DescribeInstances throws an AssertionError",
                        () -> erratic.throwOnNextListing(() -> new AssertionError("listing assertion")),
                        "java.lang.AssertionError: listing assertion"),
                new Misbehaviour("DescribeInstances throws a StackOverflowError",
                        () -> erratic.throwOnNextListing(() -> new StackOverflowError("listing overflow")),
                        "java.lang.StackOverflowError: listing overflow"),
                new Misbehaviour("the listing throws an AssertionError when read",
                        () -> erratic.breakNextListing(() -> new AssertionError("broken listing")),
                        "java.lang.AssertionError: broken listing"));
        for (Misbehaviour misbehaviour : cases) {
            // a member is lost as the plugin misbehaves: the group can only converge again if its loop goes on
            String lost = erratic.instances().keySet().iterator().next();
            int thrownBefore = erratic.thrown();
            misbehaviour.arm().run();
            erratic.lose(lost);
            Await.until(CONVERGENCE_WAIT, misbehaviour.name() + ": the error thrown", () -> erratic.thrown() > thrownBefore);
            Await.until(Duration.ofSeconds(5), misbehaviour.name() + ": DescribeGroup's Error names it", () -> {
                String error = describe("erratic").path("Error").asText("");
                if (error.contains(misbehaviour.expected())) {
                    reported.add(error);
                    return true;
                }
                return false;
            });
            Await.until(CONVERGENCE_WAIT, misbehaviour.name() + ": erratic converged again with 2 instances, without " + lost,
                    () -> convergedErratic(erratic) && !erratic.instances().containsKey(lost));
            assertFalse("no error once converged", describe("erratic").has("Error"));
        }
        Lifecycle.report("group-bounds.txt", List.of("GroupBoundsIT: errors reported by DescribeGroup: " + reported));
    }

    private boolean convergedErratic(ErraticInstancePlugin erratic) throws Exception {
        JsonNode description = describe("erratic");
        return description.path("Converged").asBoolean() && description.path("Instances").size() == 2 && erratic.instances().size() == 2;
    }

    private boolean convergedFiles(String id, int size) throws Exception {
        JsonNode description = describe(id);
        return description.path("Converged").asBoolean() && description.path("Instances").size() == size
                && InstanceFiles.ofGroup(instancesDir, id).size() == size;
    }

    /** The group is neither in the manager's store nor run by the group plugin. */
    private void assertNotStored(String id) throws Exception {
        JsonNode stored = Files.exists(globalConfig) ? JSON.readTree(Files.readString(globalConfig, StandardCharsets.UTF_8)) : JSON.createObjectNode();
        Set<String> storedIds = new TreeSet<>();
        stored.path("Groups").fieldNames().forEachRemaining(storedIds::add);
        assertFalse("group " + quote(id) + " is not in global.config: " + storedIds, storedIds.contains(id));
        Set<String> running = new TreeSet<>();
        for (JsonNode spec : call(stateless, "Group.InspectGroups", "{}").path("Groups")) {
            running.add(spec.path("ID").asText());
        }
        assertFalse("group " + quote(id) + " is not run by group-stateless: " + running, running.contains(id));
    }

    private void commit(String id, long size, String instancePlugin) throws Exception {
        call(group, "Group.CommitGroup", "{\"Spec\":" + spec(id, size, instancePlugin) + ",\"Pretend\":false}");
        committed.add(id);
    }

    private static String spec(String id, long size, String instancePlugin) {
        return "{\"ID\":" + quote(id) + ",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"" + instancePlugin + "\",\"Properties\":{\"Note\":\"bounds\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo bounds\"]}}}}";
    }

    private JsonNode describe(String id) throws Exception {
        return call(group, "Group.DescribeGroup", "{\"ID\":" + quote(id) + "}").path("Description");
    }

    private JsonNode call(Path socket, String method, String params) throws Exception {
        return JSON.readTree(client.call(socket, method, params));
    }

    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
