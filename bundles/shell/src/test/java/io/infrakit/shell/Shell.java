package io.infrakit.shell;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.JsonCodec;

import org.apache.karaf.shell.support.CommandException;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Runs commands as Karaf would after injecting their references, capturing what they print. */
final class Shell {

    static final JsonCodec CODEC = new WireJsonCodec();

    private Shell() {
    }

    /** Injects the registry and a real codec, as Karaf's {@code @Reference} injection does. */
    static <C extends InfrakitCommand> C wire(C command, FakeRegistry registry) {
        command.registry = registry;
        command.codec = CODEC;
        return command;
    }

    /** Runs a command and returns its output. */
    static String run(InfrakitCommand command) throws CommandException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            command.execute(out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Runs a command that must fail with a one-line user error, and returns that line. */
    static String fail(InfrakitCommand command) {
        CommandException e = assertThrows(CommandException.class, () -> run(command));
        assertFalse(e.getMessage().contains("\n"), () -> "more than one line: " + e.getMessage());
        return e.getMessage();
    }
}
