package io.infrakit.itests;

import static io.infrakit.itests.Lifecycle.required;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;
import static org.ops4j.pax.exam.karaf.options.KarafDistributionOption.editConfigurationFilePut;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;

import org.ops4j.pax.exam.Option;

/**
 * The process instance plugin of a test container: a directory of the run's own, and the pids the plugin
 * recorded there for its instances.
 */
final class ProcessInstances {

    /** System property (test JVM and container): the directory of the process instance plugin. */
    static final String DIR = "infrakit.itest.processes.dir";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ProcessInstances() {
    }

    /**
     * The container options that give the default process instance plugin a new directory and a 5 s
     * destroy grace period, and tell the tests where the directory is.
     *
     * @return the options
     * @throws IOException if the directory cannot be created
     */
    static Option[] options() throws IOException {
        Path dir = Lifecycle.tempDirectory("ikit-process");
        return new Option[] {
            editConfigurationFilePut("etc/io.infrakit.instance.process-default.cfg", "dir", dir.toString()),
            editConfigurationFilePut("etc/io.infrakit.instance.process-default.cfg", "destroy.grace.seconds", "5"),
            systemProperty(DIR).value(dir.toString())};
    }

    /**
     * The directory (in the container).
     *
     * @return the process instance plugin's directory
     */
    static Path dir() {
        return Path.of(required(DIR));
    }

    /**
     * The pid the plugin recorded for an instance ({@code <dir>/<ID>/instance.json}).
     *
     * @param instanceId the instance ID
     * @return the pid
     * @throws AssertionError if the instance has no state or no pid
     */
    static long pidOf(String instanceId) {
        try {
            JsonNode state = JSON.readTree(dir().resolve(instanceId).resolve("instance.json").toFile());
            JsonNode pid = state.get("Pid");
            if (pid == null || !pid.canConvertToLong()) {
                throw new AssertionError("no pid in the state of " + instanceId + ": " + state);
            }
            return pid.asLong();
        } catch (IOException e) {
            throw new AssertionError("no state for " + instanceId + " in " + dir(), e);
        }
    }
}
