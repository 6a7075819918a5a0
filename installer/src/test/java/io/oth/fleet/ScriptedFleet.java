package io.oth.fleet;

import io.oth.remote.Command;
import io.oth.remote.CommandResult;
import io.oth.remote.Failure;
import io.oth.remote.Fleet;
import io.oth.remote.Forward;
import io.oth.remote.Host;
import io.oth.remote.RemoteException;
import io.oth.remote.Secret;
import io.oth.site.Node;
import io.oth.site.Site;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A site's nodes without SSH: each node answers every script with what its {@code answers} say, and
 * records what it was asked to run and what was written to it, so that a test can show a plan
 * only read.
 */
public final class ScriptedFleet implements Fleet {
    private final List<Reach> reaches;

    private ScriptedFleet(List<Reach> reaches) {
        this.reaches = List.copyOf(reaches);
    }

    /** Every node of {@code site} reached, answering as {@code answers} says for its name; a node named in {@code unreached} is not. */
    public static ScriptedFleet of(Site site, Function<String, Function<String, CommandResult>> answers, String... unreached) {
        List<Reach> reaches = new ArrayList<>();
        for (Node node : site.nodes()) {
            if (List.of(unreached).contains(node.name())) {
                reaches.add(Reach.failed(node, new RemoteException(node.name(), Failure.NODE_UNREACHABLE, node.name() + ": connection refused"), Duration.ZERO));
            } else {
                reaches.add(Reach.reached(node, new ScriptedHost(node.name(), answers.apply(node.name())), Duration.ZERO));
            }
        }
        return new ScriptedFleet(reaches);
    }

    /** The host of {@code node}, to see what it was asked. */
    public ScriptedHost host(String node) {
        return reaches.stream().filter(r -> r.node().name().equals(node)).findFirst().flatMap(Reach::host).map(ScriptedHost.class::cast).orElseThrow();
    }

    /** What every reached node wrote (uploads), by node; a plan leaves every list empty. */
    public Map<String, List<String>> written() {
        return reaches.stream().filter(r -> r.host().isPresent())
                .collect(java.util.stream.Collectors.toMap(r -> r.node().name(), r -> List.copyOf(((ScriptedHost) r.host().get()).written)));
    }

    @Override
    public List<Reach> reaches() {
        return reaches;
    }

    @Override
    public int sessionsOpened() {
        return reaches.stream().flatMap(r -> r.host().stream()).mapToInt(h -> ((ScriptedHost) h).ran.size()).sum();
    }

    @Override
    public int connectionsOpened() {
        return reaches.size();
    }

    @Override
    public void close() {
    }

    /** One node: answers scripts, records them and every file written to it. */
    public static final class ScriptedHost implements Host {
        private final String name;
        private final Function<String, CommandResult> answers;
        public final List<String> ran = new CopyOnWriteArrayList<>();
        final List<String> written = new CopyOnWriteArrayList<>();

        ScriptedHost(String name, Function<String, CommandResult> answers) {
            this.name = name;
            this.answers = answers;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public CommandResult run(Command command, Duration timeout) {
            String script = command.render(false);
            ran.add(script);
            return answers.apply(script);
        }

        @Override
        public CommandResult run(Command command, Secret input, Duration timeout) {
            return run(command, timeout);
        }

        @Override
        public void upload(byte[] content, String path, String owner, String mode, String check) {
            written.add(path);
        }

        @Override
        public Optional<byte[]> read(String path) {
            return Optional.empty();
        }

        @Override
        public Forward forward(String address, int port) throws RemoteException {
            throw new RemoteException(name, Failure.COMMAND_FAILED, "no forwarding on a scripted node");
        }
    }
}
