package io.infrakit.group;

import io.infrakit.spi.InfrakitHome;
import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.JsonCodecReference;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupEvent;
import io.infrakit.spi.group.GroupJournal;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The journal of every group, one file per group under {@code $INFRAKIT_HOME/events} (owner-only): a JSON
 * object per line, appended as events happen, and rewritten with the last {@code events.per.group} when it
 * holds twice as many. The last events of each group read are kept in memory. Each event is also logged (one
 * line, logger {@code io.infrakit.group.events}) and posted on Event Admin, when there is one, under
 * {@code io/infrakit/group/<Type>}, with the properties {@code group}, {@code type}, {@code message}, {@code seq},
 * {@code timestamp}, and when the event has them {@code instance}, {@code config_sha}, {@code source}, {@code count}
 * (an {@code Integer}, the instances created, destroyed or lost) and {@code cause} (see {@link GroupEvent.Cause}).
 *
 * <p>A line that cannot be read (a crash in the middle of an append) is skipped. The journal of a node is
 * that node's: with several managers, each keeps the events of the groups it led.
 */
@Component(service = GroupJournal.class, configurationPid = FileGroupJournal.PID, immediate = true)
@Designate(ocd = FileGroupJournal.Config.class)
public final class FileGroupJournal implements GroupJournal {

    /** The configuration PID. */
    public static final String PID = "io.infrakit.group.events";

    /** Event Admin topics start with this, followed by the event's type. */
    public static final String TOPIC_PREFIX = "io/infrakit/group/";

    private static final Logger EVENTS = LoggerFactory.getLogger("io.infrakit.group.events");
    private static final Logger LOG = LoggerFactory.getLogger(FileGroupJournal.class);
    private static final int DEFAULT_LIMIT = 100;
    private static final long MAX_WAIT_MILLIS = 30_000;
    /** Groups whose events stay in memory at most; the least recently used are dropped (and read again when asked). */
    private static final int CACHED_GROUPS = 1000;

    /** Configuration of the journal. */
    @ObjectClassDefinition(name = "InfraKit group events", description = "The journal of what group controllers did, and why.")
    public @interface Config {
        /** @return where the journal files are */
        @AttributeDefinition(name = "Directory", description = "Where the journal files are. Empty: $INFRAKIT_HOME/events.")
        String dir() default "";

        /** @return how many events are kept per group */
        @AttributeDefinition(name = "Events per group", description = "How many events of each group are kept (the latest).")
        int events_per_group() default 1000;
    }

    private final Path dir;
    private final int keep;
    private final JsonCodecReference json = new JsonCodecReference();
    private volatile EventAdmin eventAdmin;
    private final Map<String, Group> groups = new java.util.LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Group> eldest) {
            return size() > CACHED_GROUPS;
        }
    };

    /** One group's events in memory, and its file. */
    private static final class Group {
        final Path file;
        final ArrayDeque<GroupEvent> events = new ArrayDeque<>();
        long seq;
        int lines;

        Group(Path file) {
            this.file = file;
        }
    }

    /**
     * Creates the journal (from DS).
     *
     * @param config its configuration
     */
    @Activate
    public FileGroupJournal(Config config) {
        this(config.dir() == null || config.dir().isBlank() ? InfrakitHome.path().resolve("events")
                : InfrakitHome.expand(config.dir().trim(), System.getProperty("user.home")), config.events_per_group(), null);
    }

    /**
     * Creates a journal (tests, tools).
     *
     * @param dir where the files are
     * @param keep how many events to keep per group
     * @param json the codec, or {@code null} until one is bound
     */
    public FileGroupJournal(Path dir, int keep, JsonCodec json) {
        this.dir = dir;
        this.keep = Math.max(1, keep);
        this.json.bind(json);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setJson(JsonCodec codec) {
        json.bind(codec);
    }

    void unsetJson(JsonCodec codec) {
        json.unbind(codec);
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void setEventAdmin(EventAdmin admin) {
        this.eventAdmin = admin;
    }

    void unsetEventAdmin(EventAdmin admin) {
        if (this.eventAdmin == admin) {
            this.eventAdmin = null;
        }
    }

    @Override
    public GroupEvent record(GroupEvent event) {
        GroupEvent kept;
        synchronized (this) {
            Group g = group(event.group());
            kept = event.withSeq(++g.seq);
            g.events.addLast(kept);
            while (g.events.size() > keep) {
                g.events.removeFirst();
            }
            append(g, kept);
            notifyAll();
        }
        EVENTS.info("Group {}: {}", kept.group(), kept.message());
        post(kept);
        return kept;
    }

    @Override
    public List<GroupEvent> read(String group, long after, int limit, long waitMillis) throws InterruptedException {
        int max = limit <= 0 ? DEFAULT_LIMIT : limit;
        long deadline = System.nanoTime() + Math.min(Math.max(0, waitMillis), MAX_WAIT_MILLIS) * 1_000_000;
        synchronized (this) {
            while (true) {
                Group g = group(group);
                if (g.seq > after || System.nanoTime() >= deadline) {
                    List<GroupEvent> out = new ArrayList<>();
                    for (GroupEvent e : g.events) {
                        if (e.seq() > after) {
                            out.add(e);
                        }
                    }
                    return out.size() > max ? List.copyOf(out.subList(out.size() - max, out.size())) : out;
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                wait(Math.max(1, left));
            }
        }
    }

    /** A group's events, read from its file the first time. */
    private Group group(String id) {
        Group g = groups.get(id);
        if (g == null) {
            g = new Group(dir.resolve(fileName(id)));
            load(g);
            groups.put(id, g);
        }
        return g;
    }

    private void load(Group g) {
        List<String> lines;
        try {
            lines = Files.readAllLines(g.file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            LOG.warn("Cannot read the events in {}: {}", g.file, e.getMessage());
            return;
        }
        JsonCodec codec = json.current();
        for (String line : lines) {
            if (line.isBlank() || codec == null) {
                continue;
            }
            try {
                GroupEvent e = codec.decode(new RawJson(line), GroupEvent.class);
                g.events.addLast(e);
                g.seq = Math.max(g.seq, e.seq());
                while (g.events.size() > keep) {
                    g.events.removeFirst();
                }
            } catch (PluginException | RuntimeException e) {
                LOG.debug("Skipping an unreadable line of {}: {}", g.file, e.getMessage());
            }
        }
        g.lines = lines.size();
    }

    private void append(Group g, GroupEvent event) {
        JsonCodec codec = json.current();
        if (codec == null) {
            return; // kept in memory until the codec is back
        }
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (g.lines + 1 >= 2 * keep) {
                rewrite(g, codec);
                return;
            }
            String line = codec.encode(event).json() + "\n";
            if (!Files.exists(g.file)) {
                Files.createFile(g.file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(g.file, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            g.lines++;
        } catch (IOException e) {
            LOG.warn("Cannot write the events of group {} to {}: {}", event.group(), g.file, e.getMessage());
        }
    }

    /** Writes the events kept in memory to a new file, renamed over the old one. */
    private void rewrite(Group g, JsonCodec codec) throws IOException {
        StringBuilder text = new StringBuilder();
        for (GroupEvent e : g.events) {
            text.append(codec.encode(e).json()).append('\n');
        }
        Path tmp = g.file.resolveSibling("." + g.file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, g.file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, g.file, StandardCopyOption.REPLACE_EXISTING);
        }
        g.lines = g.events.size();
    }

    private void post(GroupEvent e) {
        EventAdmin admin = eventAdmin;
        if (admin == null) {
            return;
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put("group", e.group());
        properties.put("type", e.type());
        properties.put("message", e.message());
        properties.put("seq", e.seq());
        properties.put("timestamp", e.time());
        if (e.instance() != null) {
            properties.put("instance", e.instance());
        }
        if (e.configSHA() != null) {
            properties.put("config_sha", e.configSHA());
        }
        if (e.source() != null) {
            properties.put("source", e.source());
        }
        if (e.count() > 0) {
            properties.put("count", e.count());
        }
        if (e.cause() != null) {
            properties.put("cause", e.cause());
        }
        try {
            admin.postEvent(new Event(TOPIC_PREFIX + e.type(), properties));
        } catch (RuntimeException ex) {
            LOG.debug("Cannot post event {}: {}", e, ex.toString());
        }
    }

    /**
     * The file of a group's events: the ID with every character but letters, digits, {@code -} and
     * {@code _} escaped as {@code %XX} of its UTF-8 bytes; a long one by its SHA-256.
     */
    static String fileName(String group) {
        StringBuilder name = new StringBuilder("group-");
        for (byte b : group.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                name.append(c);
            } else {
                name.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        if (name.length() > 200) {
            try {
                byte[] hash = MessageDigest.getInstance("SHA-256").digest(group.getBytes(StandardCharsets.UTF_8));
                return "group-sha256-" + HexFormat.of().formatHex(hash) + ".jsonl";
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return name.append(".jsonl").toString();
    }
}
