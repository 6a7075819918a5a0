package io.oth.sshconfig;

import java.util.List;

/** The ssh_config file cannot be used: each problem is {@code FILE:LINE: message}, in the order found. */
public final class SshConfigException extends Exception {
    private final List<String> problems;

    SshConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
