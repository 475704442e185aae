package io.infrakit.flavor.zookeeper;

import java.util.ArrayList;
import java.util.List;

/**
 * The init scripts of an ensemble member, one per {@link MemberProperties.Mode}.
 *
 * <p>Every value embedded in a script is single-quoted by {@link #quote(String)}, even though the values
 * have been validated already (IPv4 addresses, numbers): two locks on the same door.
 */
final class InitScripts {

    /** The peer (2888) and election (3888) ports of every member, as in the original. */
    static final String PEER_PORTS = ":2888:3888";
    /** The four-letter-word commands the health check needs. */
    static final String FOUR_LETTER_WORDS = "srvr,ruok";

    private InitScripts() {
    }

    /**
     * Quotes a word for {@code /bin/sh}: single quotes, each embedded quote written as {@code '\''}.
     *
     * @param word any text
     * @return the text as one shell word that expands to exactly {@code word}
     */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }

    /**
     * The {@code server.N=ip:2888:3888} lines of the ensemble.
     *
     * @param logicalIDs the members' addresses, in allocation order (myid = index + 1)
     * @return one line per member
     */
    static List<String> serverLines(List<String> logicalIDs) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < logicalIDs.size(); i++) {
            lines.add("server." + (i + 1) + "=" + logicalIDs.get(i) + PEER_PORTS);
        }
        return lines;
    }

    /**
     * The original's default script: install Java and Debian's {@code zookeeperd}, write
     * {@code /etc/zookeeper/conf/zoo.cfg} and {@code myid}, (re)start the service.
     *
     * @param myid this member's ID
     * @param logicalIDs the ensemble
     * @param clientPort the client port
     * @return the script
     */
    static String apt(int myid, List<String> logicalIDs, int clientPort) {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("# InfraKit ZooKeeper flavor: ensemble member ").append(myid).append(" of ").append(logicalIDs.size()).append(" (apt)\n");
        s.append("set -e\n");
        s.append("apt-get update\n");
        s.append("apt-get install -y default-jre-headless zookeeperd\n");
        s.append("{\n");
        List<String> cfg = new ArrayList<>(List.of("tickTime=2000", "dataDir=/var/lib/zookeeper", "clientPort=" + clientPort,
                "initLimit=5", "syncLimit=2", "4lw.commands.whitelist=" + FOUR_LETTER_WORDS));
        cfg.addAll(serverLines(logicalIDs));
        printLines(s, cfg);
        s.append("} > /etc/zookeeper/conf/zoo.cfg\n");
        s.append("printf '%s\\n' ").append(quote(Integer.toString(myid))).append(" > /var/lib/zookeeper/myid\n");
        s.append("systemctl reload-or-restart zookeeper\n");
        return s.toString();
    }

    /**
     * The original's {@code UseDocker} script: the official {@code zookeeper} image, this member's own
     * entry on {@code 0.0.0.0} so it binds every interface of its machine.
     *
     * @param myid this member's ID
     * @param logicalIDs the ensemble
     * @param clientPort the host port published for ZooKeeper's client port 2181
     * @return the script
     */
    static String docker(int myid, List<String> logicalIDs, int clientPort) {
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < logicalIDs.size(); i++) {
            servers.add("server." + (i + 1) + "=" + (i + 1 == myid ? "0.0.0.0" : logicalIDs.get(i)) + PEER_PORTS);
        }
        return "#!/bin/sh\n"
                + "# InfraKit ZooKeeper flavor: ensemble member " + myid + " of " + logicalIDs.size() + " (docker)\n"
                + "docker run -d --name zk --restart always"
                + " -p " + quote(clientPort + ":2181") + " -p 2888:2888 -p 3888:3888"
                + " -e " + quote("ZOO_MY_ID=" + myid)
                + " -e " + quote("ZOO_SERVERS=" + String.join(" ", servers))
                + " -e " + quote("ZOO_4LW_COMMANDS_WHITELIST=" + FOUR_LETTER_WORDS)
                + " zookeeper\n";
    }

    /**
     * The local process script: writes {@code zoo.cfg} and {@code data/myid} in the working directory
     * (the instance's own directory), then {@code exec}s the server with the path of {@code zoo.cfg} as
     * its last argument, so the instance's process is the server itself.
     *
     * @param myid this member's ID
     * @param self this member's loopback address
     * @param logicalIDs the ensemble
     * @param clientPort the client port, bound on {@code self} only
     * @param command the words of the command that starts a server in the foreground
     * @return the script
     */
    static String process(int myid, String self, List<String> logicalIDs, int clientPort, List<String> command) {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("# InfraKit ZooKeeper flavor: ensemble member ").append(myid).append(" of ").append(logicalIDs.size()).append(" (process)\n");
        s.append("set -e\n");
        s.append("mkdir -p data logs\n");
        s.append("printf '%s\\n' ").append(quote(Integer.toString(myid))).append(" > data/myid\n");
        s.append("{\n");
        s.append("  printf 'dataDir=%s/data\\n' \"$PWD\"\n");
        List<String> cfg = new ArrayList<>(List.of("tickTime=2000", "initLimit=10", "syncLimit=5",
                "clientPort=" + clientPort, "clientPortAddress=" + self, "admin.enableServer=false",
                "4lw.commands.whitelist=" + FOUR_LETTER_WORDS));
        cfg.addAll(serverLines(logicalIDs));
        printLines(s, cfg);
        s.append("} > zoo.cfg\n");
        s.append("ZOO_LOG_DIR=\"$PWD/logs\"\n");
        s.append("export ZOO_LOG_DIR\n");
        s.append("exec");
        for (String word : command) {
            s.append(' ').append(quote(word));
        }
        s.append(" \"$PWD/zoo.cfg\"\n");
        return s.toString();
    }

    private static void printLines(StringBuilder s, List<String> lines) {
        for (String line : lines) {
            s.append("  printf '%s\\n' ").append(quote(line)).append('\n');
        }
    }
}
