package io.oth.cli;

import java.util.regex.Pattern;
import java.util.regex.Matcher;
import java.util.Optional;
import java.net.InetSocketAddress;
import java.net.InetAddress;
import io.oth.site.Addresses;
import io.oth.input.Durations;
import io.oth.support.SupportAccess;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/**
 * Numeric options with the range that makes sense for them. picocli reports a value out of range as
 * it reports any value it cannot convert ("Invalid value for option '--timeout': ..."), with the
 * usage exit code, before any command runs.
 */
final class OptionRanges {
    private OptionRanges() {
    }

    /** A whole number from {@code min} to {@code max}, digits only (no sign, no 0x). */
    abstract static class Whole implements ITypeConverter<Integer> {
        private final int min;
        private final int max;
        private final String unit;

        Whole(int min, int max, String unit) {
            this.min = min;
            this.max = max;
            this.unit = unit;
        }

        @Override
        public Integer convert(String value) {
            String expected = "expected " + unit + " from " + min + " to " + max;
            if (!value.matches("[0-9]{1,9}")) {
                throw new TypeConversionException("'" + value + "' is not a whole number (" + expected + ")");
            }
            int n = Integer.parseInt(value);
            if (n < min || n > max) {
                throw new TypeConversionException("'" + value + "' is out of range (" + expected + ")");
            }
            return n;
        }
    }

    /** --timeout: connecting or running one command. Past 10 minutes a person would rather know. */
    static final class Timeout extends Whole {
        Timeout() {
            super(1, 600, "seconds");
        }
    }

    /** --firewall-revert: long enough for oth to reconnect through the bastion, short enough not to leave a node locked out for long. */
    static final class FirewallRevert extends Whole {
        /** The option's default, and what a command without the option (certs rotate) uses. */
        static final String DEFAULT = "60";

        static Duration byDefault() {
            return Duration.ofSeconds(Integer.parseInt(DEFAULT));
        }

        FirewallRevert() {
            super(10, 600, "seconds");
        }
    }

    /** --concurrency: nodes handled at once; each is an SSH session through one bastion. */
    static final class Concurrency extends Whole {
        Concurrency() {
            super(1, 200, "nodes");
        }
    }

    /** doctor --probe-timeout: one probe; a port that has not answered in a minute is not going to. */
    static final class ProbeTimeout extends Whole {
        ProbeTimeout() {
            super(1, 60, "seconds");
        }
    }

    /** doctor --resolver: a DNS server as an IP literal with an optional port (53 when none): 192.0.2.53, [2001:db8::53]:5353. */
    static final class Resolver implements ITypeConverter<InetSocketAddress> {
        private static final Pattern FORM = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[0-9.]+)(?::(\\d{1,5}))?");
        private static final int DNS = 53;

        @Override
        public InetSocketAddress convert(String value) {
            if (value.isBlank()) {
                return null; // OTH_RESOLVER set but empty: this machine's resolver
            }
            Matcher m = FORM.matcher(value.strip());
            Optional<InetAddress> address = m.matches() ? Addresses.ipLiteral(m.group(1).replaceAll("[\\[\\]]", "")) : Optional.empty();
            int port = m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : DNS;
            if (address.isEmpty() || port < 1 || port > 65535) {
                throw new TypeConversionException("expected an IP address with an optional :PORT (e.g. 192.0.2.53 or [2001:db8::53]:53), got " + value);
            }
            return new InetSocketAddress(address.get(), port);
        }
    }

    /** A length of time as people type it (30s, 5m, 1h30m), from {@code min} to {@code max}. */
    abstract static class Length implements ITypeConverter<Duration> {
        private final Duration min;
        private final Duration max;

        Length(Duration min, Duration max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Duration convert(String value) {
            Duration length;
            try {
                length = Durations.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
            if (length.compareTo(min) < 0 || length.compareTo(max) > 0) {
                throw new TypeConversionException("'" + value + "' is out of range (expected from " + Durations.format(min)
                        + " to " + Durations.format(max) + ")");
            }
            return length;
        }
    }

    /** support open --for: within what a grant may last. */
    static final class GrantLength extends Length {
        GrantLength() {
            super(SupportAccess.SHORTEST, SupportAccess.LONGEST);
        }
    }

    /** support bundle --since: from ten minutes to the thirty days logs are commonly kept. */
    static final class BundleWindow extends Length {
        BundleWindow() {
            super(Duration.ofMinutes(10), Duration.ofDays(30));
        }
    }

    /** --lock-wait: how long to wait for another run's lock; past two hours a person would rather know. */
    static final class LockWait extends Length {
        static final Duration MAX = Duration.ofHours(2);

        LockWait() {
            super(Duration.ZERO, MAX);
        }
    }
}
