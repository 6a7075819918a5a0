package io.oth.wizard;

import io.oth.site.Playbooks;
import org.jline.builtins.Completers;
import org.jline.reader.Completer;
import org.jline.reader.impl.completer.NullCompleter;
import org.jline.reader.impl.completer.StringsCompleter;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The Tab completion of each kind of question. */
final class Completions {
    private final Playbooks playbooks;

    Completions(Playbooks playbooks) {
        this.playbooks = playbooks;
    }

    Completer of(Completion kind, Draft draft) {
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

    /** This machine's interface addresses, the addresses answered so far, and "direct". */
    private static List<String> addresses(Draft draft) {
        List<String> all = new ArrayList<>(List.of(Questions.DIRECT));
        draft.text(Questions.BASTION).filter(a -> !a.equals(Questions.DIRECT)).ifPresent(all::add);
        draft.nodes().forEach(n -> {
            all.add(draft.nodeText(n, Questions.NODE_ADDRESS));
            all.add(draft.nodeText(n, Questions.NODE_PUBLIC_ADDRESS));
        });
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
        all.removeIf(String::isEmpty);
        return all.stream().distinct().toList();
    }
}
