package io.oth.fact;

import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.NodeText;

import java.util.List;

/** What a node says about itself: its hostname and OS release, read with one command; shown only, so made printable and short. */
public record NodeFacts(String hostname, String osRelease) {

    public static final Command COMMAND = Command.shell(
            "hostname; (. /etc/os-release 2>/dev/null && printf '%s\\n' \"$PRETTY_NAME\") || uname -sr");

    public static NodeFacts parse(CommandResult result) {
        List<String> lines = result.stdout().lines().toList();
        return new NodeFacts(lines.isEmpty() ? "?" : NodeText.cell(lines.get(0).strip(), 64), lines.size() < 2 ? "?" : NodeText.cell(lines.get(1).strip(), 64));
    }
}
