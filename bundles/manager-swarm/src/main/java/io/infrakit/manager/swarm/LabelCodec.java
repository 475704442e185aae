package io.infrakit.manager.swarm;

import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The original's encoding of the stored groups in the swarm label: standard base64 (with padding) of the
 * zlib-compressed (RFC 1950, default level) UTF-8 JSON text.
 */
final class LabelCodec {

    /** A label that inflates to more than this is refused rather than read (swarm specs are small). */
    static final int MAX_TEXT_BYTES = 16 * 1024 * 1024;

    private LabelCodec() {
    }

    /**
     * Encodes a document.
     *
     * @param text the JSON text
     * @return the label's value
     */
    static String encode(String text) {
        byte[] input = text.getBytes(StandardCharsets.UTF_8);
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            deflater.setInput(input);
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, input.length / 2));
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return Base64.getEncoder().encodeToString(out.toByteArray());
        } finally {
            deflater.end();
        }
    }

    /**
     * Decodes a label's value.
     *
     * @param label the label's value
     * @return the JSON text
     * @throws IllegalArgumentException saying why it is not base64 of zlib-compressed UTF-8 text
     */
    static String decode(String label) {
        byte[] compressed;
        try {
            compressed = Base64.getDecoder().decode(label.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64: " + e.getMessage(), e);
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(compressed);
            ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 4);
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("the zlib data is truncated");
                }
                out.write(buffer, 0, n);
                if (out.size() > MAX_TEXT_BYTES) {
                    throw new IllegalArgumentException("it inflates to more than " + MAX_TEXT_BYTES + " bytes");
                }
            }
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not zlib data: " + e.getMessage(), e);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the text is not UTF-8", e);
        } finally {
            inflater.end();
        }
    }
}
