package org.lrml.cli;

import java.util.List;

import org.lrml.io.Printable;
import org.lrml.util.Setting;
import org.lrml.util.Version;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lrml} command line: one subcommand per job. */
@Command(name = "lrml", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = {"A from-scratch tensor engine (pure-Java CPU backend, CUDA backend with its own kernels)",
                "for learning-to-rank image retrieval with the LRML loss.", ""},
        commandListHeading = "%nCommands:%n",
        footer = {"", "Run 'lrml COMMAND --help' for the options of a command."},
        subcommands = {
                TrainCommand.class,
                InfoCommand.class,
                GradcheckCommand.class,
                LossGradCommand.class,
                RankCommand.class,
                EvalCommand.class,
                ExtractCommand.class,
                IndexCommand.class,
                SearchCommand.class,
                ImportCommand.class,
                ExportCommand.class,
                WhitenCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line and returns the exit status (for tests). Bad input of every kind, a command-line parse
     * error included, ends in one line {@code lrml <command>: error: ...} on stderr and status 1 (the README's
     * promise); status 2 is left for internal errors, which print their stack trace for a bug report.
     */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // The descriptions are written in lines of up to ~110 characters; the default 80 would break them mid-sentence.
        cl.setUsageHelpWidth(120);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        cl.setParameterExceptionHandler(new ParseErrorHandler());
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            // Legitimately large input (the readers never allocate by a declared size alone): say what to change.
            System.err.println(errorLine(commandName(args), "out of memory (" + e.getMessage() + "); give Java more"
                    + " with LRML_JAVA_OPTS=-Xmx<size> (now " + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB)"));
            return 1;
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** "lrml train" for a subcommand's CommandLine, "lrml" for the top level. */
    static String commandName(CommandLine cl) {
        return cl.getParent() == null ? "lrml" : "lrml " + cl.getCommandName();
    }

    private static String commandName(String[] args) {
        return args.length > 0 && !args[0].startsWith("-") ? "lrml " + Printable.of(args[0], 40) : "lrml";
    }

    /** The one line of every user-facing error: control characters escaped, so it is one line whatever it quotes. */
    static String errorLine(String command, String message) {
        return command + ": error: " + Printable.of(String.valueOf(message), 2000);
    }

    /**
     * Parse errors (unknown option or command, missing required option, malformed number, missing value): one line
     * naming the option and the value, with picocli's suggestion when it has one, and a pointer to --help, instead
     * of picocli's default of the message plus the whole usage text and status 2.
     */
    static final class ParseErrorHandler implements CommandLine.IParameterExceptionHandler {
        @Override
        public int handleParseException(CommandLine.ParameterException ex, String[] args) {
            CommandLine cl = ex.getCommandLine();
            // picocli starts some messages (mutually exclusive options) with its own "Error: ".
            String message = String.valueOf(ex.getMessage()).strip().replaceFirst("^Error: ", "").replaceAll("\\.$", "");
            if (ex instanceof CommandLine.UnmatchedArgumentException u) {
                List<String> suggestions = u.getSuggestions();
                if (!suggestions.isEmpty()) {
                    message += " (did you mean " + String.join(" or ", suggestions.subList(0,
                            Math.min(3, suggestions.size()))) + "?)";
                }
            }
            String help = cl.getParent() == null ? "lrml --help" : "lrml " + cl.getCommandName() + " --help";
            cl.getErr().println(errorLine(commandName(cl), message + "; see '" + help + "'"));
            if (Setting.DEBUG.booleanValue(false)) {
                ex.printStackTrace(cl.getErr());
            }
            return 1;
        }
    }

    /** Turns expected failures (bad input, missing files) into one clear line and exit status 1. */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
            if (isUserFacing(ex)) {
                cl.getErr().println(errorLine(commandName(cl), ex.getMessage()));
                if (Setting.DEBUG.booleanValue(false)) {
                    ex.printStackTrace(cl.getErr());
                }
                return 1;
            }
            cl.getErr().println(commandName(cl) + ": internal error (please report): " + Printable.of(ex.toString(), 2000));
            ex.printStackTrace(cl.getErr());
            return 2;
        }

        /**
         * Failures whose message is meant for the user: bad input and files, unusable backends, a request a
         * provider does not support (a forced cuDNN with a geometry it lacks), a GPU out of memory. Anything else
         * (a NullPointerException, an index out of bounds) is a bug in lrml.
         */
        static boolean isUserFacing(Exception ex) {
            return ex instanceof UserError || ex instanceof IllegalArgumentException || ex instanceof java.io.IOException
                    || ex instanceof IllegalStateException || ex instanceof UnsupportedOperationException
                    || ex instanceof org.lrml.backend.BackendUnavailableException
                    || ex instanceof org.lrml.backend.cuda.CudaOutOfMemoryException;
        }
    }
}
