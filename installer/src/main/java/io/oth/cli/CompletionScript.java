package io.oth.cli;

import picocli.AutoComplete;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Build step: writes the bash completion script for the command line as oth builds it. */
public final class CompletionScript {
    private CompletionScript() {
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[0]), AutoComplete.bash("oth", OthCommand.commandLine(Prompter.NOBODY)));
    }
}
