package io.infrakit.instance.vagrant;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VagrantfileTemplateTest {

    private static final VagrantProperties PROPS = new VagrantProperties("bento/ubuntu-16.04", 1, 1024);

    @Test
    void aCustomTemplateGetsEveryPlaceholderFilled() {
        VagrantfileTemplate t = new VagrantfileTemplate("""
                Vagrant.configure("2") do |config|
                  config.vm.box = "{{ .Properties.Box }}"
                  config.vm.hostname = "{{.ID}}"
                  config.vm.network "private_network"{{.NetworkOptions}}
                  config.vm.provider :libvirt do |lv|
                    lv.memory = {{.Properties.Memory}}
                    lv.cpus = {{.Properties.CPUs}}
                  end
                end
                """, "test");
        assertEquals("""
                Vagrant.configure("2") do |config|
                  config.vm.box = "bento/ubuntu-16.04"
                  config.vm.hostname = "infrakit-42"
                  config.vm.network "private_network", ip: "10.1.2.3"
                  config.vm.provider :libvirt do |lv|
                    lv.memory = 1024
                    lv.cpus = 1
                  end
                end
                """, t.render("infrakit-42", PROPS, "10.1.2.3"));
    }

    @Test
    void templatesThatCouldLetAValueBecomeCodeAreRefused() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new VagrantfileTemplate("a\nconfig.vm.box = \"{{.Properties.Box | printf}}\"", "t.rb"));
        assertEquals("t.rb: unknown placeholder '{{.Properties.Box | printf}}' at line 2 (known: {{.Properties.Box}}, {{.Properties.CPUs}}, "
                + "{{.Properties.Memory}}, {{.NetworkOptions}}, {{.ID}}; this is not a Go template)", unknown.getMessage());
        IllegalArgumentException unquoted = assertThrows(IllegalArgumentException.class,
                () -> new VagrantfileTemplate("config.vm.box = {{.Properties.Box}}", "t.rb"));
        assertTrue(unquoted.getMessage().startsWith("t.rb: {{.Properties.Box}} at line 1 must stand alone inside double quotes"), unquoted.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new VagrantfileTemplate("config.vm.box = \"x{{.Properties.Box}}\"", "t.rb"));
        IllegalArgumentException unclosed = assertThrows(IllegalArgumentException.class,
                () -> new VagrantfileTemplate("x = {{.ID}}\ny = \"{{.Properties.Box\"", "t.rb"));
        assertEquals("t.rb: unclosed '{{' at line 2", unclosed.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new VagrantfileTemplate("{{ {{.ID}}", "t.rb"));
    }

    @Test
    void renderRefusesWhatWasNotCheckedBefore() {
        VagrantfileTemplate t = new VagrantfileTemplate(VagrantfileTemplate.DEFAULT, "built-in");
        assertThrows(IllegalArgumentException.class, () -> t.render("infrakit-1", PROPS, "10.0.0.1\"; x"));
        assertThrows(IllegalArgumentException.class, () -> t.render("../x", PROPS, null));
    }

    @Test
    void rubyEscapingLeavesNoWayOutOfTheString() {
        assertEquals("a\\\"b\\'c\\#{d}\\\\e\\u000Af", VagrantfileTemplate.rubyStringContent("a\"b'c#{d}\\e\nf"));
        assertEquals("bento/ubuntu-16.04", VagrantfileTemplate.rubyStringContent("bento/ubuntu-16.04"));
    }

    @Test
    void onlyDottedQuadsAreAddresses() {
        for (String ok : List.of("0.0.0.0", "192.168.0.1", "255.255.255.255", "10.0.0.10")) {
            assertTrue(VagrantfileTemplate.isIpv4(ok), ok);
        }
        for (String bad : List.of("", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.4 ", "a.b.c.d", "1.2.3.-1", "١.2.3.4")) {
            assertFalse(VagrantfileTemplate.isIpv4(bad), bad);
        }
        assertFalse(VagrantfileTemplate.isIpv4(null));
    }
}
