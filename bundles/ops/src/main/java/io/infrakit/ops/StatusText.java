package io.infrakit.ops;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupStatus;
import io.infrakit.spi.group.Revision;
import io.infrakit.spi.instance.Description;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The texts both surfaces print of what {@code GroupControl} answers: the summary of {@code describe} and
 * {@code status}, and the columns and cells of the group, member, event and revision tables. Each surface lays the
 * cells out its own way (the CLI in the original's tab-separated columns, the shell in a Karaf table). What is not
 * known (a revision a group plugin without manager does not keep, a member the status does not list) is printed as
 * {@value #NONE}, never guessed.
 */
public final class StatusText {

    /** What a cell shows when the value is not known or absent. */
    public static final String NONE = "-";

    /** The columns of the group table ({@code group ls}, {@code infrakit:group-list}), as {@code kubectl get deployments}. */
    public static final List<String> STATUS_COLUMNS = List.of("ID", "DESIRED", "CURRENT", "READY", "UP-TO-DATE", "REVISION", "STATUS");

    /** The columns of the member table of {@code describe}. */
    public static final List<String> MEMBER_COLUMNS = List.of("ID", "LOGICAL", "HEALTH", "UP-TO-DATE", "TAGS");

    /** The columns of the journal ({@code events}). */
    public static final List<String> EVENT_COLUMNS = List.of("TIME", "TYPE", "REVISION", "INSTANCE", "MESSAGE");

    /** The columns of the revisions ({@code history}). */
    public static final List<String> REVISION_COLUMNS = List.of("REVISION", "CONFIG", "TIME", "SOURCE", "REASON");

    private static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private StatusText() {
    }

    /**
     * The summary above the members in {@code describe}, and the output of {@code status}.
     *
     * @param s the status
     * @return its lines: {@code Group:}, {@code Status:}, {@code Members:}, {@code Revision:}, {@code Configuration:},
     *         {@code Update:}, {@code Error:}
     */
    public static List<String> summary(GroupStatus s) {
        return List.of(
                "Group:         " + s.id(),
                "Status:        " + orNone(s.status()),
                "Members:       " + s.desired() + " desired, " + s.current() + " current, " + s.ready() + " ready, "
                        + s.upToDate() + " up to date",
                "Revision:      " + revision(s.revision()),
                "Configuration: " + orNone(s.configSHA()),
                "Update:        " + orNone(s.update()),
                "Error:         " + orNone(s.error()));
    }

    /**
     * One row of the group table.
     *
     * @param g a group's status
     * @return its cells, in the order of {@link #STATUS_COLUMNS}
     */
    public static List<String> statusRow(GroupStatus g) {
        return List.of(g.id(), Integer.toString(g.desired()), Integer.toString(g.current()), Integer.toString(g.ready()),
                Integer.toString(g.upToDate()), revision(g.revision()), orNone(g.status()));
    }

    /**
     * The rows of the member table: each instance with its health and whether it is up to date, from the status's
     * members matched by instance ID ({@value #NONE} for an instance the status does not list).
     *
     * @param instances the members, as the group plugin describes them, in the order to print them
     * @param s the group's status, whose members say health and configuration
     * @param logical the LOGICAL cell of an instance, as the surface shows it (cattle differ)
     * @param tags the TAGS cell of an instance, as the surface shows them
     * @return one row a member, in the order of {@link #MEMBER_COLUMNS}
     */
    public static List<List<String>> memberRows(List<Description> instances, GroupStatus s,
                                                Function<Description, String> logical, Function<Description, String> tags) {
        Map<String, GroupStatus.Member> byId = s.members() == null ? Map.of()
                : s.members().stream().collect(Collectors.toMap(GroupStatus.Member::id, Function.identity(), (a, b) -> a));
        return instances.stream().map(d -> {
            GroupStatus.Member m = byId.get(d.id());
            return List.of(d.id(), logical.apply(d), m == null ? NONE : orNone(m.health()),
                    m == null ? NONE : m.upToDate() ? "yes" : "no", tags.apply(d));
        }).toList();
    }

    /**
     * One row of the journal.
     *
     * @param e an event
     * @return its cells, in the order of {@link #EVENT_COLUMNS}, the time in local ISO form
     */
    public static List<String> eventRow(GroupEvent e) {
        return List.of(time(e.time()), orNone(e.type()), revision(e.revision()), orNone(e.instance()), orNone(e.message()));
    }

    /**
     * One row of the revisions.
     *
     * @param r a revision
     * @return its cells, in the order of {@link #REVISION_COLUMNS}
     */
    public static List<String> revisionRow(Revision r) {
        return List.of(Integer.toString(r.revision()), orNone(r.configSHA()), time(r.time()), orNone(r.source()), orNone(r.reason()));
    }

    /**
     * The JSON of {@code describe --json}: the group's status as the wire has it ({@code ID}, {@code Desired}...
     * {@code Members}), with the members as the group plugin describes them (their tags) under {@code Instances}.
     *
     * @param codec the wire protocol's JSON mapping
     * @param s the status
     * @param instances the members
     * @return one JSON object
     * @throws IllegalStateException if the codec does not encode a status as a JSON object
     */
    public static RawJson described(JsonCodec codec, GroupStatus s, List<Description> instances) {
        String status = codec.encode(s).json().strip();
        if (!status.startsWith("{") || !status.endsWith("}")) {
            throw new IllegalStateException("a status encodes as a JSON object, not " + status);
        }
        String fields = status.substring(1, status.length() - 1).strip();
        return new RawJson("{" + fields + (fields.isEmpty() ? "" : ",") + "\"Instances\":" + codec.encode(instances).json() + "}");
    }

    /**
     * A time in the local ISO form, to the second: {@code 2024-05-01T10:15:30}.
     *
     * @param millis milliseconds since the epoch
     * @return the text
     */
    public static String time(long millis) {
        return LocalDateTime.ofInstant(Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS), ZoneId.systemDefault())
                .format(LOCAL_TIME);
    }

    /**
     * A revision number.
     *
     * @param revision the number; 0 means not known (a group plugin without manager keeps none)
     * @return the number, or {@value #NONE}
     */
    public static String revision(int revision) {
        return revision <= 0 ? NONE : Integer.toString(revision);
    }

    /**
     * A text cell.
     *
     * @param s the text, or {@code null}
     * @return the text, or {@value #NONE} when it is {@code null} or blank
     */
    public static String orNone(String s) {
        return s == null || s.isBlank() ? NONE : s;
    }
}
