package io.oth.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A numeric option out of its range, or a name outside its choices, is a usage error (exit 2) named by picocli before anything runs, never an internal error. */
class OptionRangesTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            nodes --timeout=-1                   | Invalid value for option '--timeout': '-1' is not a whole number (expected seconds from 1 to 600)
            nodes --timeout=0                    | Invalid value for option '--timeout': '0' is out of range (expected seconds from 1 to 600)
            nodes --timeout=601                  | Invalid value for option '--timeout': '601' is out of range (expected seconds from 1 to 600)
            nodes --timeout=10s                  | Invalid value for option '--timeout': '10s' is not a whole number (expected seconds from 1 to 600)
            nodes --timeout=99999999999          | Invalid value for option '--timeout': '99999999999' is not a whole number (expected seconds from 1 to 600)
            install --timeout=0x10               | Invalid value for option '--timeout': '0x10' is not a whole number (expected seconds from 1 to 600)
            nodes --concurrency=0                | Invalid value for option '--concurrency': '0' is out of range (expected nodes from 1 to 200)
            doctor --concurrency=201             | Invalid value for option '--concurrency': '201' is out of range (expected nodes from 1 to 200)
            install --firewall-revert=0          | Invalid value for option '--firewall-revert': '0' is out of range (expected seconds from 10 to 600)
            install --firewall-revert=-5         | Invalid value for option '--firewall-revert': '-5' is not a whole number (expected seconds from 10 to 600)
            install --firewall-revert=9          | Invalid value for option '--firewall-revert': '9' is out of range (expected seconds from 10 to 600)
            install --firewall-revert=601        | Invalid value for option '--firewall-revert': '601' is out of range (expected seconds from 10 to 600)
            doctor --probe-timeout=0             | Invalid value for option '--probe-timeout': '0' is out of range (expected seconds from 1 to 60)
            doctor --probe-timeout=61            | Invalid value for option '--probe-timeout': '61' is out of range (expected seconds from 1 to 60)
            support open --key k --for=0s        | Invalid value for option '--for': '0s' is out of range (expected from 10s to 7d)
            support open --key k --for=8d        | Invalid value for option '--for': '8d' is out of range (expected from 10s to 7d)
            support open --key k --for=-1h       | Invalid value for option '--for': "-1h" is not a length of time: write it like 4h, 90m, 1h30m, 2d or 45s
            support open --key k --for=forever   | Invalid value for option '--for': "forever" is not a length of time
            install --lock-wait=3h               | Invalid value for option '--lock-wait': '3h' is out of range (expected from 0s to 2h)
            upgrade --lock-wait=soon             | Invalid value for option '--lock-wait': "soon" is not a length of time
            certs rotate --service=nginx         | Invalid value for option '--service' (SERVICE): expected one of [haproxy, mariadb, minio, rabbitmq, traefik] (case-sensitive) but was 'nginx'
            certs rotate --service=minio,x       | Invalid value for option '--service' (SERVICE): expected one of [haproxy, mariadb, minio, rabbitmq, traefik] (case-sensitive) but was 'x'
            certs rotate --service=MINIO         | Invalid value for option '--service' (SERVICE): expected one of [haproxy, mariadb, minio, rabbitmq, traefik] (case-sensitive) but was 'MINIO'
            doctor --only=dns,nope               | Invalid value for option '--only' (CATEGORY): expected one of [certs, dns, outbound, ports, posture, reach, service] (case-sensitive) but was 'nope'
            doctor --resolver=dns.example        | Invalid value for option '--resolver': expected an IP address with an optional :PORT (e.g. 192.0.2.53 or [2001:db8::53]:53), got dns.example
            doctor --resolver=192.0.2.53:70000   | Invalid value for option '--resolver': expected an IP address with an optional :PORT
            doctor --resolver=::ffff:192.0.2.1   | Invalid value for option '--resolver': expected an IP address
            """)
    void isAUsageErrorNamingTheOptionAndItsRange(String args, String message) {
        Run run = Run.oth(args.split(" "));
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains(message), () -> message + "\n" + run);
        assertTrue(run.out().isEmpty() && !run.err().contains("internal error"), run::toString);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            nodes --timeout=1 --concurrency=200
            nodes --timeout=600 --concurrency=1
            install --firewall-revert=10 --check
            install --firewall-revert=600 --check
            install --lock-wait=0s
            install --lock-wait=2h
            certs rotate --service=mariadb,minio,rabbitmq
            support open --check --key k
            doctor --only=reach,dns,ports --resolver=[2001:db8::53]:5353
            doctor --resolver=192.0.2.53
            """)
    void theEndsOfEachRangeAreAccepted(String args) {
        Run run = Run.oth((args + " --site /nonexistent/site.yml").split(" "));
        assertEquals(ExitCode.USAGE.code(), run.code(), run::toString);
        assertTrue(run.err().contains("/nonexistent/site.yml: does not exist"), () -> "it went on to read the site file\n" + run);
    }
}
