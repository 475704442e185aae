package io.infrakit.cli;

import io.infrakit.ops.Pacing;
import io.infrakit.spi.PluginException;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The {@code infrakit} command. Exit status: 0 on success, 1 on a failure (reported on stderr as
 * {@code level=fatal msg="..."}), 2 on a usage error.
 */
public final class Main {

    /** The exit status of a failure. */
    static final int FAILED = 1;

    private static final String SLF4J_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    private Main() {
    }

    /**
     * Runs the command and exits with its status.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        // UTF-8 whatever the locale, as the original wrote
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8));
        int status = run(args, Environment.system(), out, err);
        System.exit(status);
    }

    /**
     * Runs the command.
     *
     * @param args the arguments
     * @param environment the environment to resolve the plugins directory in
     * @param out the output
     * @param err the error output
     * @return the exit status
     */
    public static int run(String[] args, Environment environment, PrintWriter out, PrintWriter err) {
        return run(args, environment, out, err, Pacing.SYSTEM);
    }

    /** As {@link #run(String[], Environment, PrintWriter, PrintWriter)} with another clock (the tests'). */
    static int run(String[] args, Environment environment, PrintWriter out, PrintWriter err, Pacing pacing) {
        try (Session session = new Session(environment, out, err, pacing)) {
            return commandLine(session).execute(args);
        }
    }

    static CommandLine commandLine(Session session) {
        CommandLine cli = new CommandLine(InfrakitCommand.class, new SessionFactory(session));
        cli.setOut(session.out());
        cli.setErr(session.err());
        cli.setExecutionExceptionHandler(new Fatal(session));
        cli.setExecutionStrategy(parseResult -> {
            configureLogging(cli, parseResult);
            return new CommandLine.RunLast().execute(parseResult);
        });
        return cli;
    }

    /** Checks {@code --log} (wherever it was given, the last one wins) and sets the level of the libraries' logging. */
    private static void configureLogging(CommandLine cli, ParseResult parseResult) {
        int level = LogLevelOption.DEFAULT;
        for (ParseResult p = parseResult; p != null; p = p.subcommand()) {
            level = p.matchedOptionValue("--log", level);
        }
        if (level < 0 || level > LogLevelOption.MAX) {
            throw new ParameterException(cli, "Invalid value for option '--log': " + level + " is not between 0 and " + LogLevelOption.MAX);
        }
        if (System.getProperty(SLF4J_LEVEL) == null) {
            System.setProperty(SLF4J_LEVEL, LogLevelOption.slf4jLevel(level));
        }
    }

    /** Creates the commands with the session of this run. */
    private record SessionFactory(Session session) implements IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                return type.getDeclaredConstructor(Session.class).newInstance(session);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }

    /** Reports a failure as the original did: {@code level=fatal msg="..."} on stderr, exit status 1, no stack trace. */
    private record Fatal(Session session) implements IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception e, CommandLine command, ParseResult parseResult) {
            session.err().println(LogLine.format("fatal", message(e)));
            return FAILED;
        }

        private static String message(Throwable e) {
            if (e instanceof CliException || e instanceof PluginException) {
                return e.getMessage();
            }
            String m = e.getMessage();
            return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
        }
    }
}
