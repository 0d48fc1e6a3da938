package org.lrml.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import org.lrml.util.Setting;
import org.lrml.util.Version;

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
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit status (for tests). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // The descriptions are written in lines of up to ~110 characters; the default 80 would break them mid-sentence.
        cl.setUsageHelpWidth(120);
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Turns expected failures (bad input, missing files) into one clear line and exit status 1. */
    static final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
            if (ex instanceof UserError || ex instanceof IllegalArgumentException || ex instanceof java.io.IOException
                    || ex instanceof IllegalStateException || ex instanceof org.lrml.backend.BackendUnavailableException) {
                cl.getErr().println("lrml " + cl.getCommandName() + ": error: " + ex.getMessage());
                if (Setting.DEBUG.booleanValue(false)) {
                    ex.printStackTrace(cl.getErr());
                }
                return 1;
            }
            cl.getErr().println("lrml " + cl.getCommandName() + ": internal error (please report): " + ex);
            ex.printStackTrace(cl.getErr());
            return 2;
        }
    }
}
