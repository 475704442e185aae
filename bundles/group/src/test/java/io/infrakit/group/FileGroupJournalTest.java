package io.infrakit.group;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.group.GroupEvent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The journal keeps the last events of each group across restarts, owner-only, and wakes readers that wait. */
class FileGroupJournalTest {

    @TempDir
    Path tmp;

    private final WireJsonCodec json = new WireJsonCodec();

    private static GroupEvent event(String group, int n) {
        return GroupEvent.of(group, GroupEvent.Type.INSTANCE_CREATED, "Created instance-" + n + " (test)", "instance-" + n, "sha");
    }

    @Test
    void eventsAreNumberedPerGroupAndSurviveARestartBoundedToTheLastOnes() throws Exception {
        Path dir = tmp.resolve("events");
        FileGroupJournal journal = new FileGroupJournal(dir, 5, json);
        for (int i = 1; i <= 12; i++) {
            journal.record(event("a", i));
        }
        journal.record(event("b", 1));
        assertEquals(List.of(8L, 9L, 10L, 11L, 12L), journal.read("a", 0, 0, 0).stream().map(GroupEvent::seq).toList());
        assertEquals(List.of(1L), journal.read("b", 0, 0, 0).stream().map(GroupEvent::seq).toList());
        assertEquals(List.of(11L, 12L), journal.read("a", 10, 0, 0).stream().map(GroupEvent::seq).toList());
        assertEquals(List.of(12L), journal.read("a", 0, 1, 0).stream().map(GroupEvent::seq).toList(), "the latest, when limited");

        FileGroupJournal restarted = new FileGroupJournal(dir, 5, json);
        List<GroupEvent> a = restarted.read("a", 0, 0, 0);
        assertEquals(List.of(8L, 9L, 10L, 11L, 12L), a.stream().map(GroupEvent::seq).toList());
        assertEquals("Created instance-12 (test)", a.get(4).message());
        assertEquals("instance-12", a.get(4).instance());
        assertEquals(13, restarted.record(event("a", 13)).seq(), "numbering goes on");
        assertTrue(Files.readAllLines(dir.resolve("group-a.jsonl")).size() < 10, "the file is rewritten, not grown without end");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("group-a.jsonl"))));
    }

    @Test
    void countAndCauseSurviveARestartAndLinesWrittenWithoutThemStillLoad() throws Exception {
        Path dir = tmp.resolve("events");
        FileGroupJournal journal = new FileGroupJournal(dir, 100, json);
        journal.record(event("a", 1).withCount(3, GroupEvent.Cause.MISSING));
        Files.writeString(dir.resolve("group-a.jsonl"), "{\"Seq\":2,\"Time\":5,\"Group\":\"a\",\"Type\":\"InstanceDestroyed\","
                + "\"Message\":\"Destroyed i (an older version)\",\"Instance\":\"i\"}\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        journal.record(event("b", 1));

        List<GroupEvent> a = new FileGroupJournal(dir, 100, json).read("a", 0, 0, 0);
        assertEquals(List.of(1L, 2L), a.stream().map(GroupEvent::seq).toList());
        assertEquals(3, a.get(0).count());
        assertEquals(GroupEvent.Cause.MISSING, a.get(0).cause());
        assertEquals(new GroupEvent(2, 5, "a", GroupEvent.Type.INSTANCE_DESTROYED, "Destroyed i (an older version)", "i", null, 0, null), a.get(1));
        assertFalse(Files.readString(dir.resolve("group-b.jsonl")).contains("Count"), "an event without a count is written as before");
    }

    @Test
    void aLineCutByACrashIsSkipped() throws Exception {
        Path dir = tmp.resolve("events");
        FileGroupJournal journal = new FileGroupJournal(dir, 100, json);
        journal.record(event("a", 1));
        journal.record(event("a", 2));
        Files.writeString(dir.resolve("group-a.jsonl"), "{\"Seq\":3,\"Time\":1,\"Gro", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        FileGroupJournal restarted = new FileGroupJournal(dir, 100, json);
        assertEquals(List.of(1L, 2L), restarted.read("a", 0, 0, 0).stream().map(GroupEvent::seq).toList());
        assertEquals(3, restarted.record(event("a", 3)).seq());
    }

    @Test
    void aReaderWaitingForTheNextEventIsWokenByIt() throws Exception {
        FileGroupJournal journal = new FileGroupJournal(tmp, 100, json);
        journal.record(event("a", 1));
        CompletableFuture<List<GroupEvent>> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return journal.read("a", 1, 0, 20_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertFalse(waiting.isDone());
        journal.record(event("b", 1)); // another group's event does not end the wait
        journal.record(event("a", 2));
        assertEquals(List.of(2L), waiting.get(10, TimeUnit.SECONDS).stream().map(GroupEvent::seq).toList());
        assertEquals(List.of(), journal.read("a", 2, 0, 50), "nothing new: an empty answer after the wait");
    }

    @Test
    void eachEventIsPostedOnEventAdminUnderItsType() {
        FileGroupJournal journal = new FileGroupJournal(tmp, 100, json);
        List<org.osgi.service.event.Event> posted = new java.util.concurrent.CopyOnWriteArrayList<>();
        journal.setEventAdmin(new org.osgi.service.event.EventAdmin() {
            @Override
            public void postEvent(org.osgi.service.event.Event event) {
                posted.add(event);
            }

            @Override
            public void sendEvent(org.osgi.service.event.Event event) {
                throw new AssertionError("events are posted, never sent synchronously");
            }
        });
        journal.record(event("web", 7).withSource("cli"));
        assertEquals(1, posted.size());
        org.osgi.service.event.Event e = posted.get(0);
        assertEquals("io/infrakit/group/InstanceCreated", e.getTopic());
        assertEquals("web", e.getProperty("group"));
        assertEquals("instance-7", e.getProperty("instance"));
        assertEquals("Created instance-7 (test)", e.getProperty("message"));
        assertEquals(1L, e.getProperty("seq"));
        assertEquals("cli", e.getProperty("source"));
        assertEquals("sha", e.getProperty("config_sha"));
        assertNull(e.getProperty("count"));
        assertNull(e.getProperty("cause"));

        journal.record(GroupEvent.of("web", GroupEvent.Type.INSTANCE_DESTROYED, "Destroyed 2 instances (test)", null, null)
                .withCount(2, GroupEvent.Cause.SCALE));
        org.osgi.service.event.Event destroyed = posted.get(1);
        assertEquals(Integer.valueOf(2), destroyed.getProperty("count"));
        assertEquals("scale", destroyed.getProperty("cause"));
        assertNull(destroyed.getProperty("instance"));
    }

    @Test
    void groupIdsNeverEscapeTheDirectory() {
        assertEquals("group-cattle.jsonl", FileGroupJournal.fileName("cattle"));
        assertEquals("group-%2E%2E%2F%2E%2E%2Fetc%2Fpasswd.jsonl", FileGroupJournal.fileName("../../etc/passwd"));
        assertEquals("group-z%C3%BC.jsonl", FileGroupJournal.fileName("zü"));
        String longId = "x".repeat(250);
        assertTrue(FileGroupJournal.fileName(longId).matches("group-sha256-[0-9a-f]{64}\\.jsonl"));
    }
}
