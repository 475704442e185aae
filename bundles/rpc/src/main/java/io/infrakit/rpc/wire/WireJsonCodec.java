package io.infrakit.rpc.wire;

import io.infrakit.spi.JsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;

import org.osgi.service.component.annotations.Component;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The {@link JsonCodec} service: the wire protocol's JSON mapping, offered to plugin bundles. */
@Component(service = JsonCodec.class)
public final class WireJsonCodec implements JsonCodec {

    @Override
    public <T> T decode(RawJson json, Class<T> type) throws PluginException {
        if (json == null) {
            return null;
        }
        byte[] bytes = json.json().getBytes(StandardCharsets.UTF_8);
        try {
            return Json.read(bytes, type);
        } catch (IOException e) {
            throw new PluginException("Invalid properties: " + DecodeErrors.describe(e, "", bytes), e);
        }
    }

    @Override
    public <T> T decodeStrict(RawJson json, Class<T> type, String path) throws PluginException {
        if (json == null) {
            return null;
        }
        return StrictJson.read(json.json().getBytes(StandardCharsets.UTF_8), type, path);
    }

    @Override
    public RawJson encode(Object value) {
        return new RawJson(new String(Json.write(value), StandardCharsets.UTF_8).strip());
    }

    @Override
    public String encodeIndented(Object value, String prefix, String indent) {
        try {
            return GoJson.indent(Json.write(value), prefix, indent);
        } catch (IOException e) {
            throw new IllegalStateException("cannot lay out JSON", e);
        }
    }

    @Override
    public String encodeStable(Object value, String prefix, String indent) {
        try {
            return GoJson.stable(Json.write(value), prefix, indent);
        } catch (IOException e) {
            throw new IllegalStateException("cannot lay out JSON", e);
        }
    }
}
