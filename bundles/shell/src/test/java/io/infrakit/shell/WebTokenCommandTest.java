package io.infrakit.shell;

import io.infrakit.spi.web.WebConsole;

import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WebTokenCommandTest {

    private static final WebConsole CONSOLE = new WebConsole() {
        @Override
        public URI address() {
            return URI.create("http://127.0.0.1:8624/");
        }

        @Override
        public String token() {
            return "c0ffee";
        }

        @Override
        public Path tokenFile() {
            return Path.of("/home/ik/.infrakit/web/token");
        }
    };

    @Test
    void printsTheAddressWithTheTokenAndWhereItIsKept() throws Exception {
        WebTokenCommand command = new WebTokenCommand();
        command.console = CONSOLE;
        assertEquals("http://127.0.0.1:8624/?token=c0ffee\n"
                + "The token is also in /home/ik/.infrakit/web/token (readable by its owner only); it changes at each start of the console.\n",
                run(command));
        command.quiet = true;
        assertEquals("c0ffee\n", run(command));
        assertEquals("web-token", WebTokenCommand.class.getAnnotation(Command.class).name());
    }

    @Test
    void saysSoWhenTheConsoleIsNotRunning() {
        CommandException e = assertThrows(CommandException.class, () -> run(new WebTokenCommand()));
        assertEquals(WebTokenCommand.NO_CONSOLE, e.getMessage());
    }

    private static String run(WebTokenCommand command) throws CommandException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        command.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
