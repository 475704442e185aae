package io.infrakit.instance.docker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The last lines of a container's output, from the answer of {@code GET /containers/{id}/logs}. For a container
 * without a TTY the engine answers a multiplexed stream: frames of an 8-byte header (stream type: 0 stdin, 1
 * stdout, 2 stderr; three zero bytes; the payload's length, 4 bytes big-endian) and the payload. With a TTY it
 * answers the output as it is. Both streams are kept, in the order they were written.
 */
final class LastLines {

    /** The longest line kept; longer ones are cut with an ellipsis. */
    static final int MAX_LINE_CHARS = 500;

    private LastLines() {
    }

    /**
     * The last lines of an output.
     *
     * @param raw the answer of the logs endpoint
     * @param tty whether the container has a TTY (its output is not multiplexed)
     * @param max the most lines to keep
     * @return the lines, oldest first, without their line ends
     */
    static List<String> of(byte[] raw, boolean tty, int max) {
        String text = new String(tty ? raw : demultiplex(raw), StandardCharsets.UTF_8);
        String[] lines = text.split("\r?\n", -1);
        int end = lines.length;
        if (end > 0 && lines[end - 1].isEmpty()) {
            end--;
        }
        List<String> last = new ArrayList<>();
        for (int i = Math.max(0, end - Math.max(0, max)); i < end; i++) {
            String line = lines[i];
            last.add(line.length() <= MAX_LINE_CHARS ? line : line.substring(0, MAX_LINE_CHARS) + "...");
        }
        return last;
    }

    /** The payloads of the frames, in order; a frame cut short keeps what arrived. */
    static byte[] demultiplex(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
        int i = 0;
        while (i + 8 <= raw.length) {
            int size = ((raw[i + 4] & 0xff) << 24) | ((raw[i + 5] & 0xff) << 16) | ((raw[i + 6] & 0xff) << 8) | (raw[i + 7] & 0xff);
            int start = i + 8;
            int length = size < 0 ? raw.length - start : Math.min(size, raw.length - start);
            out.write(raw, start, length);
            i = start + length;
        }
        return out.toByteArray();
    }
}
