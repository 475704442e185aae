package io.infrakit.spi;

import org.osgi.annotation.versioning.ProviderType;

/**
 * JSON with the rules of the wire protocol, for plugins: decoding their {@code Properties}, keeping state
 * in files in the format of the Go plugins, hashing configurations as the Go group plugin does. Provided
 * as an OSGi service by the rpc bundle, so plugin bundles need no JSON library of their own.
 *
 * <p>Record components map to Go field names: the first letter is capitalised, {@code id} is {@code ID}
 * and {@code ok} is {@code OK} ({@code logicalID} → {@code LogicalID}). Decoding ignores unknown fields,
 * matches names without regard to case and converts no scalar into another type, as Go's decoder.
 */
@ProviderType
public interface JsonCodec {

    /**
     * Decodes a value.
     *
     * @param <T> the type
     * @param json the JSON, or {@code null}
     * @param type a record, {@code String}, a boxed scalar, {@code Map} or {@code List}
     * @return the value, or {@code null} when {@code json} is {@code null} or JSON {@code null}
     * @throws PluginException saying where and why the JSON does not fit the type
     */
    <T> T decode(RawJson json, Class<T> type) throws PluginException;

    /**
     * Encodes a value compactly.
     *
     * @param value the value (records, collections, scalars, {@link RawJson})
     * @return its JSON
     */
    RawJson encode(Object value);

    /**
     * Encodes a value as Go's {@code json.MarshalIndent(value, prefix, indent)} does: fields in declaration
     * order, one per line, embedded raw JSON re-indented with its text kept, {@code <}, {@code >} and
     * {@code &} escaped.
     *
     * @param value the value
     * @param prefix the prefix of every line after the first
     * @param indent one level of indentation
     * @return the text, without a trailing newline
     */
    String encodeIndented(Object value, String prefix, String indent);

    /**
     * Encodes a value in Go's "stable" form: encoded, decoded into generic maps (keys sorted, numbers as
     * 64-bit floats), then written by {@code json.MarshalIndent(m, prefix, indent)}. The form the Go group
     * plugin hashes into {@code infrakit.config_sha}.
     *
     * @param value the value
     * @param prefix the prefix of every line after the first
     * @param indent one level of indentation
     * @return the text
     */
    String encodeStable(Object value, String prefix, String indent);
}
