package io.infrakit.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The original's global {@code --log} (0 panic, 1 fatal, 2 error, 3 warning, 4 info, 5 debug; default 4).
 * Our messages are the command's output and its fatal error; the level only governs the diagnostics of
 * the libraries underneath: up to 2 errors, 3 and 4 warnings, 5 everything down to debug.
 */
final class LogLevelOption {

    static final int DEFAULT = 4;
    static final int MAX = 5;

    @Option(names = "--log", paramLabel = "<level>", defaultValue = "4", scope = ScopeType.INHERIT,
            description = "Logging level. 0 is least verbose. Max is 5 (default: ${DEFAULT-VALUE}).")
    int level = DEFAULT;

    /**
     * The slf4j-simple level for a {@code --log} level.
     *
     * @param level 0 to 5
     * @return {@code error}, {@code warn} or {@code debug}
     */
    static String slf4jLevel(int level) {
        if (level <= 2) {
            return "error";
        }
        return level >= MAX ? "debug" : "warn";
    }
}
