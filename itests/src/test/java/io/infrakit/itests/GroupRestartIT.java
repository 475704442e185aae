package io.infrakit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.infrakit.rpc.client.RpcClient;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.PluginException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TestWatcher;
import org.junit.runner.Description;

/**
 * DescribeGroup right after a restart, with the distribution run as a Karaf process: a stored group whose
 * controller has not started yet is described as {@code Starting}, never as a group that is "not being
 * watched" (the original answered that for 1–2 s after every restart, as if the group were gone), and the
 * answer does not wait for the controller (the original's DescribeGroup waited for a commit in progress).
 *
 * <p>To hold the window open for as long as the test needs, the group's flavor is a plugin of the test JVM
 * (on a socket in the node's plugins directory) whose Validate the test holds after the restart: the manager
 * leads, has the group in its store, and the group plugin cannot take it up until Validate answers.
 * DescribeGroup is called from the moment the {@code group} socket answers until the group has converged
 * again on the same instances.
 */
public class GroupRestartIT {

    private static final String GROUP = "restarted";
    private static final String FLAVOR = "flavor-gated";

    private static final Duration BOOT_WAIT = Duration.ofSeconds(60);
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration STOP_WAIT = Duration.ofSeconds(30);

    /** How many Starting answers to collect while Validate is held. */
    private static final int STARTING_ANSWERS = 5;

    /** One answer of DescribeGroup (a description or an error), and when it came (ms after the start). */
    private record Answer(long atMillis, boolean held, String status, boolean converged, Set<String> instances, String error) {
        @Override
        public String toString() {
            return atMillis + " ms" + (held ? " (held)" : "") + ": "
                    + (error != null ? "error \"" + error + "\"" : status + (converged ? " converged " : " ") + instances);
        }
    }

    /** Calls that got no answer (the socket not there yet, or not answering), with when: for the report. */
    private final List<String> unanswered = new ArrayList<>();
    private Path shared;
    private DistributionNode node;
    private TestPluginHost plugins;
    private InstanceFiles instances;
    private RpcClient client;
    private final GatedFlavorPlugin flavor = new GatedFlavorPlugin(null);

    @Rule
    public final TestWatcher dumpLogsOnFailure = new TestWatcher() {
        @Override
        protected void failed(Throwable e, Description description) {
            if (node != null) {
                System.err.println(node.karaf().logs(300));
            }
        }
    };

    @Before
    public void setUp() throws Exception {
        shared = Files.createTempDirectory(Path.of("/tmp"), "ikitrs");
        Path work = Path.of(Lifecycle.required(TwoNodesIT.WORK_DIR)).resolveSibling("group-restart");
        node = DistributionNode.unpack("node-r", work.resolve("r"), shared.resolve("p"), shared.resolve("home"));
        node.karaf().configure("io.infrakit.instance.file-default.cfg", "dir", shared.resolve("instances").toString());
        instances = new InstanceFiles(shared.resolve("instances"));
        plugins = new TestPluginHost(node.plugins());
        plugins.serve(Spi.FLAVOR, FLAVOR, flavor);
        // DescribeGroup answers in milliseconds: a call that takes seconds is a hung describe
        client = new RpcClient(Duration.ofSeconds(5), Duration.ZERO);
    }

    @After
    public void tearDown() throws Exception {
        flavor.validate.open();
        try {
            if (node != null) {
                node.karaf().stop(STOP_WAIT);
            }
        } finally {
            if (plugins != null) {
                plugins.close();
            }
            if (client != null) {
                client.close();
            }
            if (instances != null) {
                instances.close();
            }
            KarafProcess.deleteTree(shared);
        }
    }

    @Test
    public void aStoredGroupIsDescribedAsStartingUntilItsControllerRuns() throws Exception {
        node.karaf().start();
        Await.until(BOOT_WAIT, "the manager leads and the group plugin answers",
                () -> node.isLeader(client) && node.groupsRunning(client) == 0);
        DistributionNode.call(client, node.group(), "Group.CommitGroup", "{\"Spec\":{\"ID\":\"" + GROUP + "\",\"Properties\":{"
                + "\"Allocation\":{\"Size\":3},\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"restart\"}},"
                + "\"Flavor\":{\"Plugin\":\"" + FLAVOR + "\",\"Properties\":{}}}},\"Pretend\":false}");
        Await.until(WAIT, "3 instance files, described as converged", () -> {
            Answer answer = describe(0);
            return answer.converged() && answer.instances().size() == 3 && answer.instances().equals(instances.ids());
        });
        Set<String> three = instances.ids();
        int createdBefore = instances.created().size();

        // Restarted with the group's Validate held: the group plugin cannot take the stored group up.
        flavor.validate.close();
        assertTrue("Karaf stops by bin/stop", node.karaf().stop(STOP_WAIT));
        long start = System.nanoTime();
        node.karaf().start();
        List<Answer> answers = new ArrayList<>();
        Await.until(BOOT_WAIT, "the manager resumes the group and is held in its Validate, with " + STARTING_ANSWERS
                + " answers since (or an answer is an error)", () -> {
                    Answer answer = describe(start);
                    if (answer != null) {
                        answers.add(answer);
                    }
                    return answers.stream().filter(Answer::held).count() >= STARTING_ANSWERS
                            || answers.stream().anyMatch(a -> a.error() != null);
                });
        assertAllDescriptions(answers);
        flavor.validate.open();
        Await.until(WAIT, "the group converged again on the same 3 instances (or an answer is an error)", () -> {
            Answer answer = describe(start);
            if (answer != null) {
                answers.add(answer);
            }
            return answer != null && (answer.error() != null || answer.converged() && answer.instances().equals(three));
        });
        assertAllDescriptions(answers);
        String all = describe(answers);
        List<Answer> whileHeld = answers.stream().filter(Answer::held).toList();
        assertTrue("every answer while the controller could not start says Starting; " + all,
                whileHeld.stream().allMatch(a -> "Starting".equals(a.status()) && !a.converged()));
        assertTrue("the first answer is Starting or the group's real state; " + all,
                List.of("Starting", "Converged", "Converging").contains(answers.get(0).status()));
        assertEquals("no instance created or destroyed around the restart", three, instances.ids());
        assertEquals("no instance file created around the restart", createdBefore, instances.created().size());
        instances.assertComplete();

        Answer first = answers.get(0);
        long starting = answers.stream().filter(a -> "Starting".equals(a.status())).count();
        Lifecycle.report("group-restart.txt", List.of(String.format(
                "GroupRestartIT: first DescribeGroup answer %d ms after the start (%s); %d answers Starting; converged again %d ms after the start; "
                        + "%d answers while held",
                first.atMillis(), first, starting, answers.get(answers.size() - 1).atMillis(), whileHeld.size())));
    }

    /** No answer says the group is not being watched, and none is an error: every one is a description. */
    private void assertAllDescriptions(List<Answer> answers) {
        String all = describe(answers);
        assertTrue("no answer says the stored group is not being watched; " + all,
                answers.stream().noneMatch(a -> a.error() != null && a.error().contains("not being watched")));
        assertEquals("every answer is a description, none an error; " + all, List.of(),
                answers.stream().filter(a -> a.error() != null).toList());
    }

    private String describe(List<Answer> answers) {
        List<String> lastUnanswered = unanswered.subList(Math.max(0, unanswered.size() - 3), unanswered.size());
        return "answers after the restart: " + answers + " (" + unanswered.size() + " calls found no plugin listening, the last: "
                + lastUnanswered + ")";
    }

    /**
     * Calls DescribeGroup once.
     *
     * @return the answer, or {@code null} if the socket does not answer yet
     */
    private Answer describe(long start) throws Exception {
        long at = start == 0 ? 0 : Lifecycle.millis(System.nanoTime() - start);
        // held: the manager was in the group's Validate before this call, and still is after it
        boolean heldBefore = flavor.validate.entered() > 0 && !flavor.validate.isOpen();
        JsonNode description;
        try {
            description = DistributionNode.call(client, node.group(), "Group.DescribeGroup", "{\"ID\":\"" + GROUP + "\"}").path("Description");
        } catch (PluginException e) {
            String message = String.valueOf(e.getMessage());
            // a call that finds no plugin listening is no answer yet; one the plugin took and did not answer is
            if (message.startsWith("No plugin is listening") || message.startsWith("Call to plugin at") || message.contains("answered HTTP")) {
                unanswered.add(at + " ms: " + message);
                return null; // the socket does not answer: no answer yet
            }
            return new Answer(at, heldBefore && !flavor.validate.isOpen(), null, false, Set.of(), message);
        }
        Set<String> ids = new TreeSet<>();
        description.path("Instances").forEach(i -> ids.add(i.path("ID").asText()));
        return new Answer(at, heldBefore && !flavor.validate.isOpen(), description.path("Status").asText(null),
                description.path("Converged").asBoolean(), ids, null);
    }
}
