package io.infrakit.rpc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.infrakit.rpc.wire.CommonMessages.Vendor;
import io.infrakit.rpc.wire.Json;
import io.infrakit.rpc.wire.Spi;
import io.infrakit.spi.InterfaceSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The self-description served at {@code GET /info/api.json}: the implemented interfaces and, for each
 * method, an example request and response made of zero values, as the Go plugins describe themselves.
 */
final class ApiDescription {

    private static final byte[] EMPTY = "{}".getBytes(StandardCharsets.UTF_8);

    private ApiDescription() {
    }

    static byte[] describe(List<InterfaceSpec> implemented, Vendor vendor) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.set("Vendor", Json.mapper().valueToTree(vendor));
        root.set("Implements", Json.mapper().valueToTree(implemented));
        ArrayNode interfaces = root.putArray("Interfaces");
        String id = Long.toString(System.currentTimeMillis() / 1000);
        for (Spi spi : Spi.values()) {
            if (!implemented.contains(spi.spec())) {
                continue;
            }
            ObjectNode entry = interfaces.addObject();
            entry.put("Name", spi.spec().name());
            entry.put("Version", spi.spec().version());
            ArrayNode methods = entry.putArray("Methods");
            for (Map.Entry<String, ServedMethod<?, ?>> m : new TreeMap<>(ServedInterfaces.methods(spi)).entrySet()) {
                ObjectNode method = methods.addObject();
                ObjectNode request = method.putObject("Request");
                request.put("jsonrpc", "2.0");
                request.put("method", spi.service() + "." + m.getKey());
                request.set("params", zero(m.getValue().requestType()));
                request.put("id", id);
                ObjectNode response = method.putObject("Response");
                response.set("result", zero(m.getValue().resultType()));
                response.put("id", id);
            }
        }
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot describe the API", e);
        }
    }

    private static JsonNode zero(Class<?> type) {
        try {
            return Json.mapper().valueToTree(Json.read(EMPTY, type));
        } catch (IOException e) {
            throw new IllegalStateException("no zero value for " + type.getSimpleName(), e);
        }
    }
}
