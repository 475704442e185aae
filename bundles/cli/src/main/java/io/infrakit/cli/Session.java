package io.infrakit.cli;

import io.infrakit.ops.Pacing;
import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.JsonCodec;

import java.io.PrintWriter;
import java.time.Duration;

/** What the commands of one run share: where to print, the plugins directory and the RPC client. */
final class Session implements AutoCloseable {

    /** How long one call to a plugin may take (a group destroy waits for every instance to go). */
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);

    private final Environment environment;
    private final PrintWriter out;
    private final PrintWriter err;
    private final JsonCodec json = new WireJsonCodec();
    private final Pacing pacing;
    private Plugins plugins;

    Session(Environment environment, PrintWriter out, PrintWriter err) {
        this(environment, out, err, Pacing.SYSTEM);
    }

    Session(Environment environment, PrintWriter out, PrintWriter err, Pacing pacing) {
        this.environment = environment;
        this.out = out;
        this.err = err;
        this.pacing = pacing;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    /**
     * The clock and pause of the verbs that wait or watch.
     *
     * @return the pacing
     */
    Pacing pacing() {
        return pacing;
    }

    /**
     * The wire protocol's JSON mapping, for the JSON output.
     *
     * @return the codec
     */
    JsonCodec json() {
        return json;
    }

    /**
     * The plugins of the plugins directory, connected at first use.
     *
     * @return the plugins
     */
    Plugins plugins() {
        if (plugins == null) {
            plugins = new Plugins(environment.pluginsDirectory(), CALL_TIMEOUT);
        }
        return plugins;
    }

    /**
     * Prints a value as Go's {@code json.MarshalIndent(value, prefix, "  ")} did.
     *
     * @param value the value
     * @param prefix the prefix of every line but the first
     */
    void printJson(Object value, String prefix) {
        out.println(json.encodeIndented(value, prefix, "  "));
    }

    /**
     * Prints a value as one compact line, for a stream of values ({@code events --follow --json}).
     *
     * @param value the value
     */
    void printJsonLine(Object value) {
        out.println(json.encode(value).json());
    }

    /**
     * Prints a warning on stderr.
     *
     * @param message the warning
     */
    void warn(String message) {
        err.println(LogLine.format("warning", message));
    }

    @Override
    public void close() {
        if (plugins != null) {
            plugins.close();
        }
        out.flush();
        err.flush();
    }
}
