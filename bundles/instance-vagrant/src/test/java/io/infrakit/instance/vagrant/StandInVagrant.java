package io.infrakit.instance.vagrant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A stand-in {@code vagrant} executable in its own directory, put first on the PATH given to the plugin.
 * Each call appends one line to {@code calls}: its arguments, working directory, {@code VAGRANT_CWD} and
 * the files it saw there. It prints a line to stdout and one to stderr, then exits with the code in
 * {@code exit-<command>} (0 when missing), after sleeping the seconds in {@code sleep-<command>} if present.
 */
final class StandInVagrant {

    private static final String SCRIPT = """
            #!/bin/sh
            here=$(dirname "$0")
            {
              printf 'argv='; for a in "$@"; do printf '[%s]' "$a"; done
              printf ' cwd=%s VAGRANT_CWD=%s files=%s\\n' "$(pwd -P)" "$VAGRANT_CWD" "$(ls | tr '\\n' ',')"
            } >> "$here/calls"
            echo "stand-in vagrant $1: output line"
            echo "stand-in vagrant $1: error line" >&2
            if [ -f "$here/sleep-$1" ]; then sleep "$(cat "$here/sleep-$1")"; fi
            exit "$(cat "$here/exit-$1" 2>/dev/null || echo 0)"
            """;

    final Path bin;

    StandInVagrant(Path bin) throws IOException {
        this.bin = Files.createDirectories(bin);
        Path script = bin.resolve("vagrant");
        Files.writeString(script, SCRIPT);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    }

    /** The environment for the plugin: the JVM's, with the stand-in's directory first on the PATH. */
    Map<String, String> environment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("PATH", bin + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        return env;
    }

    /** Makes {@code vagrant <command>} exit with a code. */
    void exitWith(String command, int code) throws IOException {
        Files.writeString(bin.resolve("exit-" + command), Integer.toString(code));
    }

    /** Makes {@code vagrant <command>} sleep first. */
    void sleep(String command, int seconds) throws IOException {
        Files.writeString(bin.resolve("sleep-" + command), Integer.toString(seconds));
    }

    /** The recorded calls, one line each. */
    List<String> calls() throws IOException {
        Path calls = bin.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }
}
