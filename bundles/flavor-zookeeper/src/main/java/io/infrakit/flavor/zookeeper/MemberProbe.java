package io.infrakit.flavor.zookeeper;

import io.infrakit.spi.flavor.Health;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks a ZooKeeper member itself whether it serves: sends the four-letter word {@code srvr} on its client
 * port and reads the answer.
 *
 * <ul>
 *   <li>{@code Mode: leader|follower|observer|standalone} → {@link Health#HEALTHY};</li>
 *   <li>an answer saying it is not serving (it has no quorum) → {@link Health#UNHEALTHY};</li>
 *   <li>no answer (refused, timed out, closed without a word: the member is still starting, or
 *       {@code srvr} is not whitelisted) → {@link Health#UNKNOWN}.</li>
 * </ul>
 */
final class MemberProbe {

    /** What ZooKeeper answers a four-letter word with while it has no quorum. */
    static final String NOT_SERVING = "This ZooKeeper instance is not currently serving requests";

    private static final Logger LOG = LoggerFactory.getLogger(MemberProbe.class);
    private static final Pattern MODE = Pattern.compile("(?m)^Mode: (leader|follower|observer|standalone)\\s*$");
    private static final int MAX_ANSWER = 64 * 1024;

    private final int timeoutMillis;

    /**
     * Creates a probe.
     *
     * @param timeoutMillis the connect and read timeout, each
     */
    MemberProbe(int timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * Asks one member.
     *
     * @param host its address
     * @param port its client port
     * @return its health
     */
    Health ask(String host, int port) {
        String answer;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            socket.getOutputStream().write("srvr".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            answer = readAll(socket.getInputStream());
        } catch (IOException e) {
            LOG.debug("ZooKeeper member {}:{} did not answer srvr: {}", host, port, e.toString());
            return Health.UNKNOWN;
        }
        return judge(answer, host, port);
    }

    /**
     * Judges an answer to {@code srvr}.
     *
     * @param answer what the member said
     * @param host its address, for the log
     * @param port its port, for the log
     * @return its health
     */
    static Health judge(String answer, String host, int port) {
        Matcher mode = MODE.matcher(answer);
        if (mode.find()) {
            return Health.HEALTHY;
        }
        if (answer.contains(NOT_SERVING)) {
            return Health.UNHEALTHY;
        }
        if (!answer.isBlank()) {
            LOG.warn("ZooKeeper member {}:{} gave an unexpected answer to srvr (is srvr in 4lw.commands.whitelist?): {}",
                    host, port, answer.strip());
        }
        return Health.UNKNOWN;
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        while (out.size() < MAX_ANSWER && (n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
