package io.infrakit.flavor.swarm;

import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An init script template: shell text with named placeholders {@code {{NAME}}}, each replaced by its value
 * as one single-quoted shell word (so nothing a user or the engine supplies is ever parsed by the shell).
 * No Go templates, no script engine: a placeholder must stand alone, never inside quotes.
 */
final class InitScript {

    /** The placeholders every template may use. */
    static final Set<String> NAMES = Set.of("DAEMON_JSON", "INFRAKIT_LINK", "INFRAKIT_LINK_CONTEXT", "SWARM_ID", "SWARM_JOIN_IP",
            "LOGICAL_ID", "JOIN_TOKEN", "MANAGER_ADDR", "INIT_SWARM");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^}]*?)\\s*}}");

    /** The original's manager script: engine labels, then init the swarm or join it as a manager. */
    static final String MANAGER = """
            #!/bin/sh
            set -o errexit
            set -o nounset
            set -o xtrace

            mkdir -p /etc/docker
            printf '%s\\n' {{DAEMON_JSON}} > /etc/docker/daemon.json

            # Reload the engine labels
            kill -s HUP $(cat /var/run/docker.pid)
            sleep 5

            if [ {{INIT_SWARM}} = true ]; then
              # The manager at SwarmJoinIP initializes the swarm.
              docker swarm init --advertise-addr {{LOGICAL_ID}}

              # Tell Docker to listen on port 4243 for remote API access. This is optional.
              echo 'DOCKER_OPTS="-H tcp://0.0.0.0:4243 -H unix:///var/run/docker.sock"' >> /etc/default/docker

              # Restart Docker to let port listening take effect.
              service docker restart
            else
              # The other managers join it.
              docker swarm join --token {{JOIN_TOKEN}} {{MANAGER_ADDR}}
            fi
            """;

    /** The original's worker script: engine labels, then join the swarm as a worker. */
    static final String WORKER = """
            #!/bin/sh
            set -o errexit
            set -o nounset
            set -o xtrace

            mkdir -p /etc/docker
            printf '%s\\n' {{DAEMON_JSON}} > /etc/docker/daemon.json

            # Reload the engine labels
            kill -s HUP $(cat /var/run/docker.pid)
            sleep 5

            docker swarm join --token {{JOIN_TOKEN}} {{MANAGER_ADDR}}
            """;

    private final String text;

    /**
     * @param text the template
     * @throws IllegalArgumentException naming the first unknown placeholder
     */
    InitScript(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            if (!NAMES.contains(m.group(1))) {
                throw new IllegalArgumentException("unknown placeholder {{" + m.group(1) + "}} (known: " + String.join(", ", NAMES.stream().sorted().toList()) + ")");
            }
        }
        this.text = text;
    }

    /** Replaces every placeholder by its value, single-quoted; a value not given is {@code ''}. */
    String render(Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(quote(values.getOrDefault(m.group(1), ""))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** One POSIX shell word with exactly this text: single quotes, each {@code '} written as {@code '\''}. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
