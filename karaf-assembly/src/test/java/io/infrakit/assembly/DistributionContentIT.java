package io.infrakit.assembly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The packed distribution carries what the user guide needs: {@code docs/} and {@code examples/} of the
 * source tree, file for file, at the top of the distribution's folder, so that the guide's commands
 * ({@code bin/infrakit group commit examples/cattle.json}, run from that folder) and the docs' links work in
 * the unpacked tar.gz as they do in a clone.
 */
class DistributionContentIT {

    /** Links into the benchmark harness ({@code bench/}), which is not shipped. */
    private static final Set<String> NOT_SHIPPED = Set.of("bench/");

    /** A Markdown link or image: {@code [text](target)}. */
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    private static Path source;
    private static String top;
    private static Map<String, byte[]> files;

    @BeforeAll
    static void readArchive() throws IOException {
        Path archive = Path.of(required("infrakit.assembly.tar.gz"));
        source = Path.of(required("infrakit.source.root")).toAbsolutePath().normalize();
        files = TarGz.read(archive);
        // every entry is under one folder, infrakit-karaf-assembly-<version>/
        Set<String> tops = new TreeSet<>();
        files.keySet().forEach(name -> tops.add(name.substring(0, name.indexOf('/') + 1)));
        assertEquals(1, tops.size(), "one top folder in " + archive + ": " + tops);
        top = tops.iterator().next();
    }

    @Test
    void aSystemdUnitRunsKarafAsAnUnprivilegedUserAndRestartsItOnFailure() {
        byte[] unit = files.get(top + "etc/systemd/infrakit.service");
        assertNotNull(unit, "etc/systemd/infrakit.service");
        List<String> lines = new String(unit, java.nio.charset.StandardCharsets.UTF_8).lines().map(String::strip).toList();
        for (String setting : List.of("User=infrakit", "Restart=on-failure", "ExecStart=/opt/infrakit/bin/karaf server",
                "ExecStop=/opt/infrakit/bin/stop", "WantedBy=multi-user.target", "NoNewPrivileges=true")) {
            assertTrue(lines.contains(setting), setting + " in the unit");
        }
        assertTrue(lines.stream().noneMatch(l -> l.equals("User=root")), "not as root");
        assertNotNull(files.get(top + "docs/operations.md"), "the operations guide the unit points to");
    }

    @Test
    void theLocalDefaultsKeepSecretsToTheOwner() {
        String setenv = new String(files.get(top + "bin/setenv"), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(setenv.lines().anyMatch(l -> l.strip().equals("umask 077")), "bin/setenv sets umask 077");
        assertTrue(setenv.contains("config.properties users.properties keys.properties"), setenv);
        String jaas = new String(files.get(top + "etc/org.apache.karaf.jaas.cfg"), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(jaas.lines().anyMatch(l -> l.strip().equals("encryption.enabled = true")), "JAAS password encryption on");
        String web = new String(files.get(top + "etc/io.infrakit.web.cfg"), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(web.lines().anyMatch(l -> l.strip().equals("address = 127.0.0.1")), "the web endpoint on loopback only");
        String features = new String(files.get(top + "etc/org.apache.karaf.features.cfg"), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(features.contains("infrakit-web"), "the web endpoint is a boot feature");
    }

    @Test
    void theTutorialGroupAndTheUserGuideAreShipped() {
        assertNotNull(files.get(top + "examples/cattle.json"), "examples/cattle.json");
        assertNotNull(files.get(top + "examples/cattle2.json"), "examples/cattle2.json");
        assertNotNull(files.get(top + "examples/README.md"), "examples/README.md");
        assertNotNull(files.get(top + "docs/user-guide.md"), "docs/user-guide.md");
        assertNotNull(files.get(top + "bin/infrakit"), "bin/infrakit");
    }

    @Test
    void everyDocAndExampleOfTheSourceTreeIsShippedAsItIs() throws IOException {
        List<Path> expected = new ArrayList<>();
        try (Stream<Path> docs = Files.list(source.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).forEach(expected::add);
        }
        try (Stream<Path> examples = Files.walk(source.resolve("examples"))) {
            examples.filter(Files::isRegularFile).filter(p -> !source.relativize(p).toString().contains("/target/")).forEach(expected::add);
        }
        assertTrue(expected.size() > 10, "docs and examples found in " + source + ": " + expected);
        for (Path file : expected) {
            String name = top + source.relativize(file).toString().replace('\\', '/');
            byte[] shipped = files.get(name);
            assertNotNull(shipped, name + " is missing from the distribution");
            assertArrayEquals(Files.readAllBytes(file), shipped, name + " differs from the source tree");
        }
    }

    @Test
    void nothingBuiltIsShippedAsAnExample() {
        List<String> built = files.keySet().stream()
                .filter(n -> n.startsWith(top + "examples/") && (n.contains("/target/") || n.endsWith(".class")))
                .toList();
        assertEquals(List.of(), built);
    }

    @Test
    void everyRelativeLinkOfTheShippedDocsResolvesInTheDistribution() {
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(".md") || !(name.startsWith(top + "docs/") || name.startsWith(top + "examples/"))) {
                continue;
            }
            Matcher m = LINK.matcher(new String(e.getValue(), StandardCharsets.UTF_8));
            while (m.find()) {
                String link = m.group(1);
                if (link.startsWith("#") || link.matches("[a-z]+:.*")) {
                    continue; // an anchor of the same page, or a URL
                }
                int hash = link.indexOf('#');
                String target = resolve(name, hash < 0 ? link : link.substring(0, hash));
                if (NOT_SHIPPED.stream().anyMatch(p -> target.startsWith(top + p))) {
                    continue;
                }
                checked++;
                boolean exists = files.containsKey(target) || files.keySet().stream().anyMatch(n -> n.startsWith(target + "/"));
                if (!exists) {
                    broken.add(name.substring(top.length()) + " -> " + link);
                }
            }
        }
        assertTrue(checked > 20, "links checked: " + checked);
        assertEquals(List.of(), broken, "links that do not resolve in the distribution");
    }

    /** A relative link of a file in the archive, as an archive path ({@code a/b/../c} → {@code a/c}). */
    private static String resolve(String from, String link) {
        Path p = Path.of(from).getParent().resolve(link).normalize();
        return p.toString().replace('\\', '/');
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        assertNotNull(value, "system property " + property + " (set by the pom)");
        return value;
    }
}
