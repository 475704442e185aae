package io.infrakit.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The console's files, read once from this bundle's {@code io/infrakit/web/console/} folder. Only plain file names
 * are served (no path, no {@code ..}), with the content type of their extension.
 */
final class StaticFiles {

    private static final Pattern NAME = Pattern.compile("[a-z0-9-]+\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    private final Map<String, Answer> cache = new ConcurrentHashMap<>();

    /**
     * A file of the console.
     *
     * @param name its name ({@code index.html})
     * @return it, or a 404
     */
    Answer get(String name) {
        if (!NAME.matcher(name).matches()) {
            return Answer.text(404, "404 page not found");
        }
        return cache.computeIfAbsent(name, n -> {
            try (InputStream in = StaticFiles.class.getResourceAsStream("console/" + n)) {
                if (in == null) {
                    return Answer.text(404, "404 page not found");
                }
                return new Answer(200, TYPES.get(n.substring(n.lastIndexOf('.') + 1)), in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
