package io.infrakit.shell;

import io.infrakit.spi.PluginException;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileOrUriCompleter;

import java.io.PrintStream;

/** {@code infrakit:flavor-validate}: asks a flavor plugin whether it accepts properties for an allocation. */
@Command(scope = "infrakit", name = "flavor-validate", description = "Validates the properties of a flavor plugin against an allocation")
@Service
public class FlavorValidateCommand extends FlavorAllocationCommand {

    @Argument(index = 0, name = "properties", required = true, description = "The flavor plugin's properties: a file or a URL")
    @Completion(FileOrUriCompleter.class)
    String properties;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        flavorPlugin().validate(SpecReader.properties(codec, properties), allocation());
        out.println("validate:ok");
    }
}
