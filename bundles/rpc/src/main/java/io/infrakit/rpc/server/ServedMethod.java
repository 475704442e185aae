package io.infrakit.rpc.server;

import io.infrakit.spi.PluginException;

import java.util.function.Function;

/**
 * One JSON-RPC method of a plugin interface on the server side: how to decode its params, which
 * sub-type they ask for, and how to call the plugin.
 *
 * @param <P> the plugin interface
 * @param <Q> the params record
 * @param requestType the params record class
 * @param resultType the result record class
 * @param type the sub-type a request asks for ({@code ""} for untyped interfaces)
 * @param call the call into the plugin, returning the result record
 */
record ServedMethod<P, Q>(Class<Q> requestType, Class<?> resultType, Function<Q, String> type, Call<P, Q> call) {

    /**
     * A call into a plugin.
     *
     * @param <P> the plugin interface
     * @param <Q> the params record
     */
    interface Call<P, Q> {
        Object apply(P plugin, Q request, String type) throws PluginException;
    }

    static <P, Q> ServedMethod<P, Q> untyped(Class<Q> requestType, Class<?> resultType, Call<P, Q> call) {
        return new ServedMethod<>(requestType, resultType, q -> "", call);
    }

    @SuppressWarnings("unchecked")
    Object invoke(Object plugin, Object request, String requestedType) throws PluginException {
        return call.apply((P) plugin, (Q) request, requestedType);
    }

    @SuppressWarnings("unchecked")
    String typeOf(Object request) {
        String t = type.apply((Q) request);
        return t == null ? "" : t;
    }
}
