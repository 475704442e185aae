package io.infrakit.instance.vagrant;

import io.infrakit.rpc.wire.WireJsonCodec;
import io.infrakit.spi.PluginException;
import io.infrakit.spi.RawJson;
import io.infrakit.spi.instance.InstanceSpec;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The generated Vagrantfiles against the real {@code vagrant} (Debian's 2.3), which evaluates them as Ruby:
 * {@code vagrant validate --ignore-provider} needs no VM provider (without the flag it asks the default
 * provider whether it is usable, and none is here). Machines are provisioned with the stand-in (no VM can run
 * here), then validated with the real tool through the plugin's own runner. Not skipped when vagrant is
 * missing: install it ({@code apt-get install -y --no-install-recommends vagrant}).
 */
class RealVagrantTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    Path tmp;

    private Path dir;
    private StandInVagrant standIn;
    private VagrantCli real;
    private Map<String, String> realEnvironment;

    @BeforeEach
    void realVagrant() throws Exception {
        dir = tmp.resolve("instances");
        standIn = new StandInVagrant(tmp.resolve("bin"));
        realEnvironment = new HashMap<>(System.getenv());
        // its own home (no ~/.vagrant.d written), no network check, and a provider that fails at once when absent
        realEnvironment.put("VAGRANT_HOME", tmp.resolve("vagrant-home").toString());
        realEnvironment.put("VAGRANT_CHECKPOINT_DISABLE", "1");
        realEnvironment.put("VAGRANT_BOX_UPDATE_CHECK_DISABLE", "1");
        realEnvironment.put("VAGRANT_DEFAULT_PROVIDER", "virtualbox");
        real = new VagrantCli("vagrant", realEnvironment);
        try {
            real.resolve();
        } catch (PluginException e) {
            throw new AssertionError("These tests need the real vagrant: apt-get install -y --no-install-recommends vagrant (" + e.getMessage() + ")", e);
        }
    }

    private VagrantInstancePlugin withStandIn(VagrantfileTemplate template) throws Exception {
        return new VagrantInstancePlugin(dir, new WireJsonCodec(), new VagrantCli("vagrant", standIn.environment()), template, TIMEOUT, TIMEOUT);
    }

    private VagrantCli.Result validate(Path machine) throws Exception {
        return real.run(machine, machine.resolve("validate.log"), TIMEOUT, "validate", "--ignore-provider");
    }

    @Test
    void generatedVagrantfilesAreValidForVagrant() throws Exception {
        VagrantInstancePlugin p = withStandIn(new VagrantfileTemplate(VagrantfileTemplate.DEFAULT, "built-in"));
        String cattle = p.provision(new InstanceSpec(new RawJson("{\"Box\":\"bento/ubuntu-16.04\"}"), Map.of("g", "a"), "echo hi", null, null));
        String pet = p.provision(new InstanceSpec(new RawJson("{\"Box\":\"bento/ubuntu-16.04\",\"CPUs\":1,\"Memory\":1024}"),
                Map.of("g", "a"), "echo hi", "192.168.1.200", null));
        for (String id : List.of(cattle, pet)) {
            VagrantCli.Result result = validate(dir.resolve(id));
            assertTrue(result.ok(), result.toString());
            assertTrue(result.outputTail().endsWith("Vagrantfile validated successfully."), result.outputTail());
        }
        // control: vagrant does check what the Vagrantfile refers to
        Files.delete(dir.resolve(cattle).resolve("boot.sh"));
        VagrantCli.Result broken = validate(dir.resolve(cattle));
        assertFalse(broken.ok());
        assertTrue(broken.outputTail().contains("`path` for shell provisioner does not exist"), broken.outputTail());
    }

    @Test
    void aHostileBoxStaysDataWhenVagrantEvaluatesTheFile() throws Exception {
        Path marker = tmp.resolve("pwned");
        String box = "evil\"; File.write(\"" + marker + "\", \"1\"); x = \"#{File.write(\"" + marker + "2\", \"1\")}' \\";
        // a template that also hands the value to Ruby code, to read back what Ruby made of it
        VagrantfileTemplate probe = new VagrantfileTemplate(VagrantfileTemplate.DEFAULT + "\nFile.write(\"box.out\", \"{{.Properties.Box}}\")\n", "probe");
        String id = withStandIn(probe).provision(new InstanceSpec(new RawJson("{\"Box\":" + new WireJsonCodec().encode(box).json() + "}"),
                Map.of(), "", null, null));
        Path machine = dir.resolve(id);

        VagrantCli.Result result = validate(machine);
        assertTrue(result.ok(), result.toString());
        assertEquals(box, Files.readString(machine.resolve("box.out")), "Ruby read the exact Box back");
        assertFalse(Files.exists(marker));
        assertFalse(Files.exists(Path.of(marker + "2")));

        // control: such a value pasted unescaped (as the Go template did) runs the user's code
        String pasted = "evil\"; File.write(\"" + marker + "\", \"1\"); x = \"";
        Files.writeString(machine.resolve("Vagrantfile"), VagrantfileTemplate.DEFAULT.replace("{{.Properties.Box}}", pasted)
                .replace("{{.NetworkOptions}}", ", type: \"dhcp\"").replace("{{.Properties.Memory}}", "512").replace("{{.Properties.CPUs}}", "2"));
        validate(machine);
        assertTrue(Files.exists(marker), "the probe detects injection");
    }

    @Test
    void aRealFailingUpIsReportedWithVagrantsMessageAndCleanedUp() throws Exception {
        VagrantInstancePlugin p = new VagrantInstancePlugin(dir, new WireJsonCodec(), real,
                new VagrantfileTemplate(VagrantfileTemplate.DEFAULT, "built-in"), TIMEOUT, TIMEOUT);
        PluginException e = assertThrows(PluginException.class,
                () -> p.provision(new InstanceSpec(new RawJson("{\"Box\":\"bento/ubuntu-16.04\"}"), Map.of(), "", null, null)));
        assertTrue(e.getMessage().startsWith("vagrant up failed for infrakit-"), e.getMessage());
        assertTrue(e.getMessage().contains("Vagrant could not detect VirtualBox!"), e.getMessage());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(0, left.count());
        }
    }
}
