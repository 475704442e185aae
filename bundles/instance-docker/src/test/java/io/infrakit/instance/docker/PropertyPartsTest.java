package io.infrakit.instance.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** The small parts: sizes, image references, the log stream's frames. */
class PropertyPartsTest {

    @Test
    void aMemorySizeIsBytesOrANumberWithAUnitInPowersOf1024() {
        assertEquals(536870912L, MemorySize.parse("536870912"));
        assertEquals(512L * 1024 * 1024, MemorySize.parse("512m"));
        assertEquals(512L * 1024 * 1024, MemorySize.parse("512MiB"));
        assertEquals(512L * 1024 * 1024, MemorySize.parse("512 mb"));
        assertEquals(1536L * 1024 * 1024, MemorySize.parse("1.5g"));
        assertEquals(6L * 1024, MemorySize.parse("6k"));
        assertEquals(100L, MemorySize.parse("100b"));
        assertEquals(2L << 40, MemorySize.parse("2t"));
        for (String bad : new String[] {"", "m", "-1m", "1x", "1.m", "12 parsecs"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemorySize.parse(bad), bad);
            assertEquals("'" + bad + "' is not a size: write bytes (536870912) or a number with a unit (512m, 1.5g; k, m, g, t are powers of 1024)", e.getMessage());
        }
        assertEquals("'99999999999t' is too large", assertThrows(IllegalArgumentException.class, () -> MemorySize.parse("99999999999t")).getMessage());
    }

    @Test
    void anImageReferenceIsPulledByRepositoryAndTagNeverByEveryTag() {
        assertEquals(new ImageRef("busybox", "latest"), ImageRef.parse("busybox"));
        assertEquals(new ImageRef("busybox", "1.36"), ImageRef.parse("busybox:1.36"));
        assertEquals(new ImageRef("registry:5000/team/app", "latest"), ImageRef.parse("registry:5000/team/app"));
        assertEquals(new ImageRef("registry:5000/team/app", "2"), ImageRef.parse("registry:5000/team/app:2"));
        assertEquals(new ImageRef("app", "sha256:abc"), ImageRef.parse("app@sha256:abc"));
        assertEquals("fromImage=registry%3A5000%2Fteam%2Fapp&tag=2", ImageRef.parse("registry:5000/team/app:2").pullQuery());
        assertEquals("registry:5000/team/app:2", ImageRef.inPath("registry:5000/team/app:2"));
        assertEquals("a%20b%3F%23", ImageRef.inPath("a b?#"));
    }

    @Test
    void theLastLinesOfAMultiplexedLogAreBothStreamsInOrder() {
        byte[] raw = frames(new Object[] {1, "one\ntwo\n"}, new Object[] {2, "err\r\n"}, new Object[] {1, "three\nfour"});
        assertEquals(List.of("one", "two", "err", "three", "four"), LastLines.of(raw, false, 20));
        assertEquals(List.of("three", "four"), LastLines.of(raw, false, 2));
        assertEquals(List.of(), LastLines.of(raw, false, 0));
        assertEquals(List.of(), LastLines.of(new byte[0], false, 20));
        // a frame cut short keeps what arrived; a header cut short is dropped
        byte[] cut = java.util.Arrays.copyOf(raw, raw.length - 3);
        assertEquals(List.of("one", "two", "err", "three", "f"), LastLines.of(cut, false, 20));
        // with a TTY the output is as it is
        assertEquals(List.of("plain", "text"), LastLines.of("plain\ntext\n".getBytes(StandardCharsets.UTF_8), true, 20));
        String longLine = "x".repeat(LastLines.MAX_LINE_CHARS + 10);
        assertEquals(List.of("x".repeat(LastLines.MAX_LINE_CHARS) + "..."), LastLines.of(frames(new Object[] {1, longLine + "\n"}), false, 20));
    }

    private static byte[] frames(Object[]... frames) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object[] f : frames) {
            byte[] payload = ((String) f[1]).getBytes(StandardCharsets.UTF_8);
            int n = payload.length;
            out.writeBytes(new byte[] {(byte) (int) (Integer) f[0], 0, 0, 0, (byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }
}
