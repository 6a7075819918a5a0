package io.oth.wizard;

import io.oth.site.Playbooks;
import org.jline.builtins.Completers;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.reader.impl.completer.StringsCompleter;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Tab completion of each question. A word is offered only when the question's check would take
 * it: Tab never offers an answer that is then refused. File names are the exception: a directory
 * must be offered to go into it, and a release bundle is only known to be one once it is read whole.
 */
final class Completions {
    private final Playbooks playbooks;
    /** This machine's interface addresses. */
    private final Supplier<List<String>> interfaces;

    Completions(Playbooks playbooks, Supplier<List<String>> interfaces) {
        this.playbooks = playbooks;
        this.interfaces = interfaces;
    }

    Completer of(Question q, Draft draft) {
        Completer all = of(q.completion(), draft);
        if (q.completion() == Completion.FILES || q.completion() == Completion.NONE) {
            return all;
        }
        return (reader, line, candidates) -> {
            List<Candidate> offered = new ArrayList<>();
            all.complete(reader, line, offered);
            offered.stream().filter(c -> !(q.check().check(c.value(), draft) instanceof Verdict.Refused<Object>)).forEach(candidates::add);
        };
    }

    private Completer of(Completion kind, Draft draft) {
        return switch (kind) {
            case NONE -> NullCompleter.INSTANCE;
            case FILES -> new Completers.FileNameCompleter();
            case ROLES -> new StringsCompleter(playbooks.roles().keySet());
            case FEATURES -> new StringsCompleter(withNone(playbooks.features().keySet()));
            case STORAGE -> new StringsCompleter(Questions.LOCAL, Questions.EXTERNAL);
            case ADDRESSES -> new StringsCompleter(addresses(draft));
        };
    }

    private static List<String> withNone(java.util.Collection<String> names) {
        List<String> all = new ArrayList<>(names);
        all.add(Question.NONE);
        return all;
    }

    /** "direct", the addresses answered so far, and this machine's interface addresses. */
    private List<String> addresses(Draft draft) {
        List<String> all = new ArrayList<>(List.of(Questions.DIRECT));
        draft.text(Questions.BASTION).filter(a -> !a.equals(Questions.DIRECT)).ifPresent(all::add);
        draft.nodes().forEach(n -> {
            all.add(draft.nodeText(n, Questions.NODE_ADDRESS));
            all.add(draft.nodeText(n, Questions.NODE_PUBLIC_ADDRESS));
        });
        all.addAll(interfaces.get());
        all.removeIf(String::isEmpty);
        return all.stream().distinct().toList();
    }

    /** The addresses of this machine's interfaces, loopback and link-local left out. */
    static List<String> interfaceAddresses() {
        List<String> all = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (!address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                        all.add(address.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            // No interfaces to offer: completion is a convenience.
        }
        return all;
    }
}
