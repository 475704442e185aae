package io.infrakit.ops;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;
import io.infrakit.spi.instance.Description;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The texts of a group's status that the CLI and the shell share. */
class StatusTextTest {

    static final GroupStatus.Member M1 = new GroupStatus.Member("instance-1", null, "Healthy", true, "sha2");
    static final GroupStatus.Member M2 = new GroupStatus.Member("instance-2", "10.0.0.2", null, false, "sha1");
    static final GroupStatus ROLLING = new GroupStatus("cattle", 3, 3, 2, 1, "Rolling", 2, "sha2",
            "Rolling update to configuration sha2: 2 of 3 instances still to replace", null, List.of(M1, M2));

    @Test
    void theSummaryNamesEveryCountAndSaysWhatIsNotKnown() {
        assertEquals(List.of(
                "Group:         cattle",
                "Status:        Rolling",
                "Members:       3 desired, 3 current, 2 ready, 1 up to date",
                "Revision:      2",
                "Configuration: sha2",
                "Update:        Rolling update to configuration sha2: 2 of 3 instances still to replace",
                "Error:         -"), StatusText.summary(ROLLING));
        assertEquals(List.of(
                "Group:         pets",
                "Status:        -",
                "Members:       2 desired, 0 current, 0 ready, 0 up to date",
                "Revision:      -",
                "Configuration: -",
                "Update:        -",
                "Error:         no instance plugin"), StatusText.summary(new GroupStatus("pets", 2, 0, 0, 0, " ", 0, null, null, "no instance plugin", null)));
    }

    @Test
    void aGroupRowHasACellForEveryColumn() {
        assertEquals(List.of("cattle", "3", "3", "2", "1", "2", "Rolling"), StatusText.statusRow(ROLLING));
        assertEquals(List.of("pets", "2", "2", "2", "2", "-", "Converged"),
                StatusText.statusRow(new GroupStatus("pets", 2, 2, 2, 2, "Converged", 0, "shaP", null, null, List.of())));
        assertEquals(StatusText.STATUS_COLUMNS.size(), StatusText.statusRow(ROLLING).size());
    }

    @Test
    void membersAreMatchedToTheStatusByInstanceId() {
        List<Description> instances = List.of(
                new Description("instance-1", null, Map.of("tier", "web")),
                new Description("instance-2", "10.0.0.2", Map.of()),
                new Description("instance-9", null, null));
        Function<Description, String> logical = d -> d.logicalID() == null ? "(none)" : d.logicalID();
        Function<Description, String> tags = d -> d.tags() == null ? "" : String.valueOf(d.tags());
        assertEquals(List.of(
                List.of("instance-1", "(none)", "Healthy", "yes", "{tier=web}"),
                List.of("instance-2", "10.0.0.2", "-", "no", "{}"),
                List.of("instance-9", "(none)", "-", "-", "")), StatusText.memberRows(instances, ROLLING, logical, tags));
        GroupStatus withoutMembers = new GroupStatus("cattle", 3, 3, 2, 1, "Rolling", 2, "sha2", null, null, null);
        assertEquals(List.of(List.of("instance-1", "(none)", "-", "-", "{tier=web}")),
                StatusText.memberRows(instances.subList(0, 1), withoutMembers, logical, tags));
        assertEquals(StatusText.MEMBER_COLUMNS.size(), StatusText.memberRows(instances, ROLLING, logical, tags).get(0).size());
    }

    @Test
    void eventAndRevisionRowsInLocalTime() {
        TimeZone zone = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
            assertEquals("2023-11-14T22:14:21", StatusText.time(1_700_000_061_500L), "local ISO, to the second");
            assertEquals(List.of("2023-11-14T22:13:20", "Committed", "2", "-", "Committed revision 2"), StatusText.eventRow(
                    new GroupEvent(1, 1_700_000_000_000L, "cattle", "Committed", "Committed revision 2", null, "sha2", 2, "shell")));
            assertEquals(List.of("2023-11-14T22:14:21", "InstanceLost", "-", "instance-1", "instance-1 is gone"), StatusText.eventRow(
                    new GroupEvent(2, 1_700_000_061_500L, "cattle", "InstanceLost", "instance-1 is gone", "instance-1", null, 0, null)));
            assertEquals(List.of("2", "sha2", "2023-11-14T22:15:00", "controller", "automatic rollback"),
                    StatusText.revisionRow(new Revision(2, "sha2", 1_700_000_100_000L, "controller", "automatic rollback", null)));
            assertEquals(List.of("1", "-", "2023-11-14T22:13:20", "-", "-"),
                    StatusText.revisionRow(new Revision(1, null, 1_700_000_000_000L, null, "", null)));
        } finally {
            TimeZone.setDefault(zone);
        }
    }

    @Test
    void revisionsAndTextsNotKnownAreADash() {
        assertEquals("-", StatusText.revision(0));
        assertEquals("-", StatusText.revision(-1));
        assertEquals("7", StatusText.revision(7));
        assertEquals("-", StatusText.orNone(null));
        assertEquals("-", StatusText.orNone(" \t"));
        assertEquals("x", StatusText.orNone("x"));
    }

    @Test
    void describedIsTheStatusWithTheInstances() {
        List<Description> instances = List.of(new Description("instance-1", null, Map.of()));
        assertEquals(new RawJson("{\"ID\":\"cattle\",\"Desired\":3,\"Instances\":[{\"ID\":\"instance-1\"}]}"),
                StatusText.described(codec(" {\"ID\":\"cattle\",\"Desired\":3}\n"), ROLLING, instances));
        assertEquals(new RawJson("{\"Instances\":[{\"ID\":\"instance-1\"}]}"), StatusText.described(codec("{ }"), ROLLING, instances));
        assertThrows(IllegalStateException.class, () -> StatusText.described(codec("null"), ROLLING, instances));
    }

    /** A codec that encodes the status as given and any list as one instance. */
    private static JsonCodec codec(String status) {
        return new JsonCodec() {
            @Override
            public <T> T decode(RawJson json, Class<T> type) {
                throw new UnsupportedOperationException();
            }

            @Override
            public RawJson encode(Object value) {
                return new RawJson(value instanceof GroupStatus ? status : "[{\"ID\":\"instance-1\"}]");
            }

            @Override
            public String encodeIndented(Object value, String prefix, String indent) {
                throw new UnsupportedOperationException();
            }

            @Override
            public String encodeStable(Object value, String prefix, String indent) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
