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
 * {@link #decodeStrict} also refuses unknown keys, for what users write.
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
     * Decodes a value a user wrote (a group spec, a plugin's own properties) and refuses its mistakes, where
     * {@link #decode} lets unknown keys pass as the wire protocol must. As {@code decode}, and also:
     * <ul>
     * <li>an unknown key is an error naming the closest known key: {@code unknown key Properties.Updte: did you mean
     * Update?} ({@link RawJson} values, maps and other plugins' properties are not looked into);</li>
     * <li>a key given twice, or text after the value, is an error;</li>
     * <li>every error is one sentence with the JSON path of the value at fault, {@code path} first, what was
     * expected and what was found: {@code Properties.Allocation.Size: expected a whole number, got "three"}. It
     * names no Java type and has no cause attached.</li>
     * </ul>
     * A plugin checking its properties passes {@code "Properties"} and puts its name before the message, as the path
     * starts at its own properties: {@code instance-process: unknown key Properties.Evn: did you mean Env?}.
     *
     * <p>The default implementation decodes as {@link #decode} does, for codecs that cannot check more (test fakes);
     * the rpc bundle's codec overrides it.
     *
     * @param <T> the type
     * @param json the JSON, or {@code null}
     * @param type a record, {@code String}, a boxed scalar, {@code Map} or {@code List}
     * @param path the JSON path of {@code json} within the document the user wrote ({@code Properties}), or
     *        {@code ""} when {@code json} is the whole document
     * @return the value, or {@code null} when {@code json} is {@code null} or JSON {@code null}
     * @throws PluginException saying where and why the JSON does not fit the type
     * @since 0.4.0
     */
    default <T> T decodeStrict(RawJson json, Class<T> type, String path) throws PluginException {
        return decode(json, type);
    }

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
