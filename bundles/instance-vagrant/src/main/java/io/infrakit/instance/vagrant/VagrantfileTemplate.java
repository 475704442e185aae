package io.infrakit.instance.vagrant;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Vagrantfile template with a fixed set of named placeholders, the names the original's Go template used:
 * {@code {{.Properties.Box}}}, {@code {{.Properties.CPUs}}}, {@code {{.Properties.Memory}}},
 * {@code {{.NetworkOptions}}} and {@code {{.ID}}} (spaces inside the braces allowed). There is no template
 * language: any other {@code {{…}}} makes the template invalid.
 *
 * <p>A Vagrantfile is Ruby, so nothing a user writes may reach it as code. Box is the only free text; its
 * placeholder must stand inside a double-quoted Ruby string ({@code "{{.Properties.Box}}"}), and the value
 * is escaped for it ({@code \ " ' #} get a backslash, so neither {@code "} nor {@code #{…}} can end the
 * string or interpolate; control characters are refused earlier). Numbers are written as digits, the
 * network options are built here from a checked IPv4 address, and the ID is the plugin's own.
 */
final class VagrantfileTemplate {

    /** The original's template ({@code examples/instance/vagrant/plugin.go} at v0.3.1). */
    static final String DEFAULT = """

            Vagrant.configure("2") do |config|
              config.vm.box = "{{.Properties.Box}}"
              config.vm.hostname = "infrakit.box"
              config.vm.network "private_network"{{.NetworkOptions}}
              config.vm.provision :shell, path: "boot.sh"
              config.vm.provider :virtualbox do |vb|
                vb.memory = {{.Properties.Memory}}
                vb.cpus = {{.Properties.CPUs}}
              end
            end""";

    static final String BOX = ".Properties.Box";
    static final String CPUS = ".Properties.CPUs";
    static final String MEMORY = ".Properties.Memory";
    static final String NETWORK = ".NetworkOptions";
    static final String ID = ".ID";

    private static final List<String> NAMES = List.of(BOX, CPUS, MEMORY, NETWORK, ID);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^{}]*?)\\s*\\}\\}");
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private final String text;

    /**
     * Checks a template.
     *
     * @param text the template
     * @param source where it came from, for messages
     * @throws IllegalArgumentException if it has an unknown or malformed placeholder, or Box outside quotes
     */
    VagrantfileTemplate(String text, String source) {
        this.text = Objects.requireNonNull(text, "text");
        Matcher m = PLACEHOLDER.matcher(text);
        int checkedUpTo = 0;
        while (m.find()) {
            if (text.substring(checkedUpTo, m.start()).contains("{{")) {
                throw new IllegalArgumentException(source + ": unclosed '{{' at line " + line(text, text.indexOf("{{", checkedUpTo)));
            }
            String name = m.group(1);
            if (!NAMES.contains(name)) {
                throw new IllegalArgumentException(source + ": unknown placeholder '" + m.group() + "' at line " + line(text, m.start())
                        + " (known: {{" + String.join("}}, {{", NAMES) + "}}; this is not a Go template)");
            }
            if (name.equals(BOX) && !(m.start() > 0 && text.charAt(m.start() - 1) == '"' && m.end() < text.length() && text.charAt(m.end()) == '"')) {
                throw new IllegalArgumentException(source + ": {{" + BOX + "}} at line " + line(text, m.start())
                        + " must stand alone inside double quotes, as in config.vm.box = \"{{" + BOX + "}}\"");
            }
            checkedUpTo = m.end();
        }
        if (text.indexOf("{{", checkedUpTo) >= 0) {
            throw new IllegalArgumentException(source + ": unclosed '{{' at line " + line(text, text.indexOf("{{", checkedUpTo)));
        }
    }

    /**
     * Tells whether a logical ID can be the machine's private IP address.
     *
     * @param logicalID the logical ID
     * @return {@code true} for a dotted-quad IPv4 address
     */
    static boolean isIpv4(String logicalID) {
        return logicalID != null && IPV4.matcher(logicalID).matches();
    }

    /**
     * Renders the Vagrantfile of one machine.
     *
     * @param id the instance ID (letters, digits, {@code -})
     * @param properties the checked properties
     * @param logicalID the logical ID, an IPv4 address, or {@code null} for DHCP
     * @return the Vagrantfile
     * @throws IllegalArgumentException if the logical ID is not an IPv4 address or the ID has other characters
     */
    String render(String id, VagrantProperties properties, String logicalID) {
        if (logicalID != null && !isIpv4(logicalID)) {
            throw new IllegalArgumentException("LogicalID '" + logicalID + "' is not an IPv4 address");
        }
        if (!id.matches("[A-Za-z0-9-]+")) {
            throw new IllegalArgumentException("Instance ID '" + id + "' has characters other than letters, digits and '-'");
        }
        Map<String, String> values = Map.of(
                BOX, rubyStringContent(properties.box()),
                CPUS, Integer.toString(properties.cpus()),
                MEMORY, Integer.toString(properties.memory()),
                NETWORK, logicalID == null ? ", type: \"dhcp\"" : ", ip: \"" + logicalID + "\"",
                ID, id);
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 64);
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(values.get(m.group(1))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * Escapes text for the inside of a Ruby string literal, double- or single-quoted: a backslash before
     * {@code \}, {@code "}, {@code '} and {@code #}, so it can neither end the string nor interpolate.
     * Control characters become {@code \}{@code uXXXX} escapes (they are refused before, this is a second line).
     *
     * @param value the text
     * @return the escaped text, without quotes
     */
    static String rubyStringContent(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\', '"', '\'', '#' -> out.append('\\').append(c);
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static int line(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
