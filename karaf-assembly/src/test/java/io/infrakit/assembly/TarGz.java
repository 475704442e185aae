package io.infrakit.assembly;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * Reads the regular files of a tar.gz into memory, by name: enough of the POSIX tar format for the archives
 * karaf-maven-plugin writes (ustar headers, with PAX {@code path} records or GNU long names for long paths).
 * A few dozen lines instead of a dependency for one test.
 */
final class TarGz {

    private static final int BLOCK = 512;

    private TarGz() {
    }

    /**
     * Reads an archive.
     *
     * @param file the tar.gz
     * @return the content of each regular file, by its path in the archive, in archive order
     * @throws IOException if the file cannot be read or is not a tar.gz
     */
    static Map<String, byte[]> read(Path file) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
            String longName = null;
            byte[] header = new byte[BLOCK];
            while (true) {
                readFully(in, header);
                if (isZero(header)) {
                    return files; // end of archive
                }
                String name = string(header, 0, 100);
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                long size = octal(header, 124, 12);
                byte type = header[156];
                byte[] data = new byte[Math.toIntExact(size)];
                readFully(in, data);
                readFully(in, new byte[(int) ((BLOCK - size % BLOCK) % BLOCK)]);
                if (type == 'x') {
                    longName = paxPath(data);
                } else if (type == 'L') {
                    longName = string(data, 0, data.length);
                } else {
                    if (longName != null) {
                        name = longName;
                        longName = null;
                    }
                    if (type == '0' || type == 0) {
                        files.put(name, data);
                    }
                }
            }
        }
    }

    /** The {@code path} of PAX extended header records ({@code "<length> <key>=<value>\n"}), or {@code null}. */
    private static String paxPath(byte[] data) {
        String records = new String(data, StandardCharsets.UTF_8);
        for (String record : records.split("\n")) {
            int space = record.indexOf(' ');
            if (space > 0 && record.startsWith("path=", space + 1)) {
                return record.substring(space + 1 + "path=".length());
            }
        }
        return null;
    }

    private static String string(byte[] b, int offset, int length) {
        int end = offset;
        while (end < offset + length && b[end] != 0) {
            end++;
        }
        return new String(b, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] b, int offset, int length) {
        String s = string(b, offset, length).trim();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    private static boolean isZero(byte[] b) {
        byte[] zero = new byte[b.length];
        return Arrays.equals(b, zero);
    }

    private static void readFully(InputStream in, byte[] b) throws IOException {
        int n = in.readNBytes(b, 0, b.length);
        if (n < b.length) {
            throw new EOFException("The archive ends in the middle of an entry");
        }
    }
}
