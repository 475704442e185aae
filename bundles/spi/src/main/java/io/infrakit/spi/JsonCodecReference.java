package io.infrakit.spi;

/**
 * The {@link JsonCodec} service as a plugin component holds it: bound by an optional, dynamic, greedy DS
 * reference, so an update of the rpc bundle leaves the component as it is, and every call made while no
 * codec is bound fails with the same clear error. The component keeps its DS-annotated bind and unbind
 * methods (DS annotations are not inherited) and delegates them here:
 *
 * <pre>{@code
 * private final JsonCodecReference json = new JsonCodecReference();
 *
 * @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
 * void setJson(JsonCodec json) { this.json.bind(json); }
 *
 * void unsetJson(JsonCodec json) { this.json.unbind(json); }
 * }</pre>
 *
 * <p>Safe for use by several threads: the codec is read and written as a volatile field.
 */
public final class JsonCodecReference {

    /** The message of the error {@link #get()} raises while no codec is bound. */
    public static final String NOT_AVAILABLE = "The JSON codec service is not available (is the infrakit rpc bundle running?)";

    private volatile JsonCodec codec;

    /** Creates the reference with no codec bound. */
    public JsonCodecReference() {
        this(null);
    }

    /**
     * Creates the reference with a codec bound (tests, tools).
     *
     * @param codec the codec, or {@code null} for none
     */
    public JsonCodecReference(JsonCodec codec) {
        this.codec = codec;
    }

    /**
     * Binds a codec, replacing the one bound.
     *
     * @param codec the codec, or {@code null} for none
     */
    public void bind(JsonCodec codec) {
        this.codec = codec;
    }

    /**
     * Unbinds a codec if it is the one bound; a codec going away after another was bound (greedy
     * replacement) leaves the new one in place.
     *
     * @param codec the codec going away
     */
    public void unbind(JsonCodec codec) {
        if (this.codec == codec) {
            this.codec = null;
        }
    }

    /**
     * The codec now.
     *
     * @return the codec bound
     * @throws PluginException with {@link #NOT_AVAILABLE} while none is bound (the rpc bundle is stopped or
     *         being updated)
     */
    public JsonCodec get() throws PluginException {
        JsonCodec now = codec;
        if (now == null) {
            throw new PluginException(NOT_AVAILABLE);
        }
        return now;
    }

    /**
     * The codec now, or {@code null}: for code that handles a missing codec itself.
     *
     * @return the codec bound, or {@code null} while none is
     */
    public JsonCodec current() {
        return codec;
    }
}
