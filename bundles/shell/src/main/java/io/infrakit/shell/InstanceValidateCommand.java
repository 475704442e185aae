package io.infrakit.shell;

import io.infrakit.spi.PluginException;

import org.apache.karaf.shell.api.action.Argument;
import org.apache.karaf.shell.api.action.Command;
import org.apache.karaf.shell.api.action.Completion;
import org.apache.karaf.shell.api.action.lifecycle.Service;
import org.apache.karaf.shell.support.CommandException;
import org.apache.karaf.shell.support.completers.FileOrUriCompleter;

import java.io.PrintStream;

/** {@code infrakit:instance-validate}: asks an instance plugin whether it accepts properties. */
@Command(scope = "infrakit", name = "instance-validate", description = "Validates the properties of an instance plugin")
@Service
public class InstanceValidateCommand extends InstanceCommand {

    @Argument(index = 0, name = "properties", required = true, description = "The instance plugin's properties: a file or a URL")
    @Completion(FileOrUriCompleter.class)
    String properties;

    @Override
    void run(PrintStream out) throws PluginException, CommandException {
        instancePlugin().validate(SpecReader.properties(codec, properties));
        out.println("validate:ok");
    }
}
