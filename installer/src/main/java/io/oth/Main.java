package io.oth;

import io.oth.cli.OthCommand;
import io.oth.cli.Prompter;

import java.io.PrintWriter;

/** The entry point: {@link #main} only exits with what {@link #run} returns. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, args));
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, Prompter.system(), args);
    }

    public static int run(PrintWriter out, PrintWriter err, Prompter prompter, String... args) {
        int code = OthCommand.commandLine(prompter).setOut(out).setErr(err).execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
