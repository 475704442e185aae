package io.infrakit.web;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.group.GroupControl;
import io.infrakit.spi.manager.LeaderStatus;
import io.infrakit.spi.registry.PluginNotFoundException;

import java.util.List;
import java.util.Map;

/**
 * The JSON the console reads and the actions it takes, under {@code /api/}: see the bundle's README for the table.
 * Reads go to the group plugin's {@code GroupControl} (status, events, history), the registry (plugins) and the
 * manager (leadership); actions are {@code GroupControl}'s verbs with the source {@code console}, and
 * {@code DestroyGroup}. The caller has checked the token before an action.
 */
final class Api {

    /** The actions of {@code POST /api/groups/{id}/{action}}. */
    static final List<String> ACTIONS = List.of("pause", "resume", "stop", "rollback", "destroy");

    private final Groups groups;
    private final JsonCodec codec;

    Api(Groups groups, JsonCodec codec) {
        this.groups = groups;
        this.codec = codec;
    }

    /**
     * Answers a read.
     *
     * @param path the path's segments after {@code api}, decoded
     * @param query the query parameters
     * @return the answer
     */
    Answer get(List<String> path, Map<String, String> query) {
        try {
            if (path.equals(List.of("groups"))) {
                return ok(groups.statuses());
            }
            if (path.equals(List.of("plugins"))) {
                return ok(groups.plugins());
            }
            if (path.equals(List.of("manager"))) {
                LeaderStatus leader = groups.leadership();
                return leader == null ? Answer.error(codec, 404, "No manager here: " + groups.plugin() + " is a group plugin without leadership")
                        : ok(new Leadership(leader.role().name(), leader.leader(), leader.detail()));
            }
            if (path.size() == 2 && path.get(0).equals("groups")) {
                return known(() -> ok(groups.status(path.get(1))));
            }
            if (path.size() == 3 && path.get(0).equals("groups") && path.get(2).equals("events")) {
                long after = number(query, "after", 0);
                int limit = (int) Math.min(1000, number(query, "limit", 100));
                return ok(groups.control().events(path.get(1), after, limit, 0));
            }
            if (path.size() == 3 && path.get(0).equals("groups") && path.get(2).equals("history")) {
                try {
                    return ok(groups.control().history(path.get(1)));
                } catch (PluginNotFoundException e) {
                    throw e;
                } catch (PluginException e) {
                    return Answer.error(codec, 409, e.getMessage());
                }
            }
            return Answer.error(codec, 404, "No such resource: /api/" + String.join("/", path));
        } catch (IllegalArgumentException e) {
            return Answer.error(codec, 400, e.getMessage());
        } catch (PluginException e) {
            return Answer.error(codec, 503, e.getMessage());
        }
    }

    /**
     * Takes an action on a group.
     *
     * @param path {@code groups}, the group ID and the action
     * @param query the query parameters ({@code revision} for a rollback)
     * @return what happened, or why not
     */
    Answer post(List<String> path, Map<String, String> query) {
        if (path.size() != 3 || !path.get(0).equals("groups")) {
            return Answer.error(codec, 404, "No such action: /api/" + String.join("/", path));
        }
        String id = path.get(1);
        String action = path.get(2);
        if (!ACTIONS.contains(action)) {
            return Answer.error(codec, 404, "No such action: " + action + " (one of " + String.join(", ", ACTIONS) + ")");
        }
        try {
            int revision = (int) number(query, "revision", 0);
            GroupControl control = groups.control();
            String message = switch (action) {
                case "pause" -> control.pause(id, GroupControl.Source.CONSOLE);
                case "resume" -> control.resume(id, GroupControl.Source.CONSOLE);
                case "stop" -> control.stop(id, GroupControl.Source.CONSOLE);
                case "rollback" -> control.rollback(id, revision, GroupControl.Source.CONSOLE);
                default -> {
                    groups.group().destroyGroup(id);
                    yield "Destroying group " + id;
                }
            };
            return Answer.message(codec, message);
        } catch (IllegalArgumentException e) {
            return Answer.error(codec, 400, e.getMessage());
        } catch (PluginNotFoundException e) {
            return Answer.error(codec, 503, e.getMessage());
        } catch (PluginException e) {
            return Answer.error(codec, 409, e.getMessage());
        }
    }

    /** This node's manager in the election, as {@code GET /api/manager} answers. */
    record Leadership(String role, String leader, String detail) {
    }

    private interface Read {
        Answer get() throws PluginException;
    }

    /** A read of one group: an unknown group is a 404, with the plugin's words. */
    private Answer known(Read read) throws PluginException {
        try {
            return read.get();
        } catch (PluginNotFoundException e) {
            throw e;
        } catch (PluginException e) {
            return Answer.error(codec, 404, e.getMessage());
        }
    }

    private Answer ok(Object value) {
        return Answer.json(codec, 200, value);
    }

    /** A whole number parameter, 0 or more. */
    private static long number(Map<String, String> query, String name, long otherwise) {
        String text = query.get(name);
        if (text == null || text.isEmpty()) {
            return otherwise;
        }
        try {
            long n = Long.parseLong(text);
            if (n < 0) {
                throw new IllegalArgumentException(name + " must be 0 or more, got " + text);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number, got \"" + text + "\"");
        }
    }
}
