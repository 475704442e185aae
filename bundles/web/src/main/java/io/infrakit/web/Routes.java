package io.infrakit.web;

import io.infrakit.spi.JsonCodec;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.URIUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Every request of the endpoint: checks where it is addressed to and, for an action, the token, then hands it to the
 * console's files, {@code /metrics}, {@code /health} or the {@link Api}.
 */
final class Routes extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(Routes.class);

    /** The headers every answer has: no framing, no sniffing, no referrer, scripts and styles of this origin only. */
    private static final Map<String, String> SECURITY_HEADERS = Map.of(
            "Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'",
            "X-Content-Type-Options", "nosniff",
            "Referrer-Policy", "no-referrer",
            "X-Frame-Options", "DENY");

    /** The header that carries the token (or {@code Authorization: Bearer <token>}). */
    static final String TOKEN_HEADER = "X-InfraKit-Token";

    private final Token token;
    private final Set<String> hosts;
    private final Metrics metrics;
    private final Health health;
    private final Groups groups;
    private final Supplier<JsonCodec> codec;
    private final StaticFiles files = new StaticFiles();

    /**
     * @param token the actions' token
     * @param hosts the {@code Host} headers accepted (lower case), or {@code null} to accept any and ask the token of
     *     every read too (an endpoint bound to an address other than loopback)
     * @param metrics the metrics
     * @param health the health checks
     * @param groups the groups
     * @param codec the JSON codec, or a supplier of {@code null} while the rpc bundle is away
     */
    Routes(Token token, Set<String> hosts, Metrics metrics, Health health, Groups groups, Supplier<JsonCodec> codec) {
        this.token = token;
        this.hosts = hosts;
        this.metrics = metrics;
        this.health = health;
        this.groups = groups;
        this.codec = codec;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        try {
            send(response, callback, answer(request));
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
            send(response, callback, Answer.text(500, "internal error: " + e));
        }
        return true;
    }

    private Answer answer(Request request) throws RuntimeException {
        String method = request.getMethod();
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (hosts != null && (host == null || !hosts.contains(host.toLowerCase(Locale.ROOT)))) {
            return Answer.text(421, "This endpoint answers to " + String.join(", ", hosts) + ", not to " + host);
        }
        List<String> path = segments(request.getHttpURI().getPath());
        boolean read = "GET".equals(method) || "HEAD".equals(method);
        if (!read && !"POST".equals(method)) {
            return Answer.text(405, method + " is not allowed here");
        }
        if (path.isEmpty() || path.get(0).equals("console")) {
            if (!read) {
                return Answer.text(405, method + " is not allowed here");
            }
            return files.get(path.isEmpty() ? "index.html" : path.size() == 2 ? path.get(1) : "");
        }
        if (path.equals(List.of("health")) && read) {
            return withCodec(health::answer);
        }
        boolean tokenPresented = token.matches(presented(request));
        if (hosts == null && !tokenPresented) {
            return Answer.text(403, "A token is needed: this endpoint is not bound to a loopback address (see infrakit:web-token)");
        }
        if (path.equals(List.of("metrics")) && read) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(16384);
            try {
                metrics.scrape(out);
            } catch (java.io.IOException e) {
                return Answer.text(500, "cannot write the metrics: " + e.getMessage());
            }
            return new Answer(200, metrics.contentType(), out.toByteArray());
        }
        if (path.get(0).equals("api")) {
            List<String> rest = path.subList(1, path.size());
            Map<String, String> query = query(request);
            if (read) {
                return withCodec(c -> new Api(groups, c).get(rest, query));
            }
            if (!tokenPresented) {
                return withCodec(c -> Answer.error(c, 403, "This action needs the console's token (infrakit:web-token shows it); nothing was changed"));
            }
            return withCodec(c -> new Api(groups, c).post(rest, query));
        }
        return Answer.text(404, "404 page not found");
    }

    private Answer withCodec(java.util.function.Function<JsonCodec, Answer> answer) {
        JsonCodec c = codec.get();
        if (c == null) {
            return Answer.text(503, "The JSON codec is not available (is the infrakit rpc bundle running?)");
        }
        return answer.apply(c);
    }

    /** The token of a request: {@value #TOKEN_HEADER}, or {@code Authorization: Bearer}. */
    private static String presented(Request request) {
        String t = request.getHeaders().get(TOKEN_HEADER);
        if (t != null) {
            return t;
        }
        String auth = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        return auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7) ? auth.substring(7) : null;
    }

    /** The path's segments, each decoded ({@code %2F} in a group ID stays inside its segment); empty segments dropped. */
    static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        if (rawPath == null) {
            return out;
        }
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(URIUtil.decodePath(s));
            }
        }
        return out;
    }

    private static Map<String, String> query(Request request) {
        Map<String, String> out = new HashMap<>();
        Fields fields = Request.extractQueryParameters(request);
        for (Fields.Field f : fields) {
            out.put(f.getName(), f.getValue());
        }
        return out;
    }

    private static void send(Response response, Callback callback, Answer answer) {
        response.setStatus(answer.status());
        SECURITY_HEADERS.forEach((h, v) -> response.getHeaders().put(h, v));
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
        response.write(true, ByteBuffer.wrap(answer.body()), callback);
    }
}
