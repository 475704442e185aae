package io.infrakit.shell;

import io.infrakit.spi.web.WebConsole;

import org.apache.karaf.shell.api.action.Action;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Option;
import org.apache.karaf.shell.api.action.lifecycle.Reference;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;

import java.io.PrintStream;

/**
 * {@code infrakit:web-token}: where the web console is and the token its actions need, as Jupyter prints its URL:
 * the console's address with {@code ?token=}, which the page takes and keeps for the session.
 */
@Command(scope = "infrakit", name = "web-token", description = "Shows the web console's address with the token its actions (pause, resume, rollback, destroy) need")
@Service
public class WebTokenCommand implements Action {

    /** What the command says while the web bundle does not serve. */
    static final String NO_CONSOLE = "The web console is not running (is the infrakit-web feature installed, and its port free? see etc/io.infrakit.web.cfg and the log)";

    /** The endpoint; optional, so the command stays while the web bundle is away. */
    @Reference(optional = true)
    WebConsole console;

    @Option(name = "--quiet", aliases = "-q", description = "Print only the token")
    boolean quiet;

    @Override
    public Object execute() throws CommandException {
        print(System.out);
        return null;
    }

    void print(PrintStream out) throws CommandException {
        WebConsole c = console;
        if (c == null) {
            throw new CommandException(NO_CONSOLE);
        }
        if (quiet) {
            out.println(c.token());
            return;
        }
        out.println(c.address() + "?token=" + c.token());
        out.println("The token is also in " + c.tokenFile() + " (readable by its owner only); it changes at each start of the console.");
    }
}
