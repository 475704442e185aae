package io.infrakit.shell;

import com.sun.net.httpserver.HttpServer;

import io.infrakit.spi.RawJson;
import io.infrakit.spi.group.GroupSpec;

import org.apache.karaf.shell.support.CommandException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.infrakit.shell.Shell.CODEC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpecReaderTest {

    @TempDir
    Path dir;

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void readsAGroupSpecFromAFileKeepingThePropertiesText() throws Exception {
        Path file = Files.writeString(dir.resolve("g.json"), "\uFEFF {\"ID\":\"g\",\"Properties\":{\"b\":1, \"a\":2}}\n");

        assertEquals(new GroupSpec("g", new RawJson("{\"b\":1, \"a\":2}")),
                SpecReader.read(CODEC, file.toString(), GroupSpec.class, "group spec"));
    }

    @Test
    void readsFromAFileUrl() throws Exception {
        Path file = Files.writeString(dir.resolve("g.json"), "{\"ID\":\"g\"}");

        assertEquals(new GroupSpec("g", null), SpecReader.read(CODEC, file.toUri().toString(), GroupSpec.class, "group spec"));
    }

    @Test
    void readsFromAnHttpUrlAndReportsMissingDocuments() throws Exception {
        serve("/cattle.json", 200, "{\"ID\":\"cattle\"}");
        String base = "http://127.0.0.1:" + server.getAddress().getPort();

        assertEquals(new GroupSpec("cattle", null), SpecReader.read(CODEC, base + "/cattle.json", GroupSpec.class, "group spec"));
        assertEquals("Not found: " + base + "/other.json", message(() -> SpecReader.bytes(base + "/other.json")));
    }

    @Test
    void refusesFilesOverFourMebibytes() throws Exception {
        Path big = dir.resolve("big.json");
        Files.write(big, new byte[SpecReader.MAX_BYTES + 1]);
        Path limit = dir.resolve("limit.json");
        Files.write(limit, new byte[SpecReader.MAX_BYTES]);

        assertEquals(big + " is larger than 4 MiB", message(() -> SpecReader.bytes(big.toString())));
        assertEquals(big.toUri() + " is larger than 4 MiB", message(() -> SpecReader.bytes(big.toUri().toString())));
        assertEquals(SpecReader.MAX_BYTES, SpecReader.bytes(limit.toString()).length);
    }

    @Test
    void refusesLargeHttpDocuments() throws Exception {
        serve("/big.json", 200, " ".repeat(SpecReader.MAX_BYTES + 1));
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/big.json";

        assertEquals(url + " is larger than 4 MiB", message(() -> SpecReader.bytes(url)));
    }

    @Test
    void explainsMissingEmptyAndDirectoryInputs() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.json"), " \n");

        assertEquals("File not found: " + dir.resolve("nope.json"), message(() -> SpecReader.bytes(dir.resolve("nope.json").toString())));
        assertEquals(empty + " is empty", message(() -> SpecReader.json(empty.toString())));
        assertEquals("Cannot read " + dir + ": it is a directory", message(() -> SpecReader.bytes(dir.toString())));
        assertEquals("No file or URL given", message(() -> SpecReader.bytes(" ")));
    }

    @Test
    void explainsDocumentsOfTheWrongShape() throws Exception {
        Path array = Files.writeString(dir.resolve("a.json"), "[1]");
        Path nul = Files.writeString(dir.resolve("n.json"), "null");

        String error = message(() -> SpecReader.read(CODEC, array.toString(), GroupSpec.class, "group spec"));
        assertTrue(error.startsWith(array + " is not a valid group spec: "), error);
        assertTrue(!error.contains("Invalid properties"), "the codec's own prefix is replaced: " + error);
        assertEquals(nul + " holds null, not a group spec",
                message(() -> SpecReader.read(CODEC, nul.toString(), GroupSpec.class, "group spec")));
    }

    @Test
    void propertiesMayBeAnyJsonValueButMustBeJson() throws Exception {
        assertEquals(new RawJson("[1, 2]"), SpecReader.properties(CODEC, write("[1, 2]")));
        assertEquals(new RawJson("\"text\""), SpecReader.properties(CODEC, write("\"text\"")));
        assertEquals(new RawJson("42"), SpecReader.properties(CODEC, write("42")));
        assertEquals(new RawJson("true"), SpecReader.properties(CODEC, write("true")));
        assertNull(SpecReader.properties(CODEC, write("null")));

        String bad = write("{\"a\": }");
        assertEquals(bad + " is not valid JSON at line 1, column 7: unexpected character '}', expected a value",
                message(() -> SpecReader.properties(CODEC, bad)));
        String word = write("nonsense");
        assertEquals(word + " is not valid JSON", message(() -> SpecReader.properties(CODEC, word)));
        String yaml = write("a: b");
        assertEquals(yaml + " is not valid JSON at line 1, column 1: unrecognized word 'a', expected a value",
                message(() -> SpecReader.properties(CODEC, yaml)));
        String two = write("{\"Note\": 1} {\"Note\": 2}");
        assertEquals(two + " is not valid JSON: the value has more text after its JSON value", message(() -> SpecReader.properties(CODEC, two)));
        String twice = write("{\"Note\": 1, \"Note\": 2}");
        assertEquals(twice + " is not valid JSON: duplicate key Note", message(() -> SpecReader.properties(CODEC, twice)));
    }

    @Test
    void aGroupSpecWithAMistakeIsRefusedWithThePathAndTheKeyMeant() throws Exception {
        String typo = write("{\"ID\": \"g\", \"Propertes\": {\"Allocation\": {\"Size\": 1}}}");
        assertEquals(typo + " is not a valid group spec: unknown key Propertes: did you mean Properties?",
                message(() -> SpecReader.read(CODEC, typo, GroupSpec.class, "group spec")));
        String number = write("{\"ID\": 42}");
        assertEquals(number + " is not a valid group spec: ID: expected a string, got 42",
                message(() -> SpecReader.read(CODEC, number, GroupSpec.class, "group spec")));
        String array = write("[{\"ID\": \"g\"}]");
        assertEquals(array + " is not a valid group spec: expected an object, got an array",
                message(() -> SpecReader.read(CODEC, array, GroupSpec.class, "group spec")));
        // the group's own properties are the group plugin's to check, at commit
        String inner = write("{\"id\": \"g\", \"properties\": {\"Updte\": {}}}");
        assertEquals(new GroupSpec("g", new RawJson("{\"Updte\": {}}")), SpecReader.read(CODEC, inner, GroupSpec.class, "group spec"));
    }

    @Test
    void anUnknownSchemeIsOneLine() {
        assertEquals("Cannot read nosuch://x/y: unknown protocol: nosuch", message(() -> SpecReader.bytes("nosuch://x/y")));
    }

    @Test
    void readsBytesExactly() throws Exception {
        byte[] bytes = "{\"ID\":\"é\"}".getBytes(StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("u.json"), bytes);

        assertArrayEquals(bytes, SpecReader.bytes(file.toString()));
    }

    private int files;

    private String write(String text) throws Exception {
        return Files.writeString(dir.resolve("p" + files++ + ".json"), text).toString();
    }

    private void serve(String path, int status, String body) throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(path, exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    private interface Read {
        Object run() throws CommandException;
    }

    private static String message(Read read) {
        CommandException e = assertThrows(CommandException.class, read::run);
        assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }
}
