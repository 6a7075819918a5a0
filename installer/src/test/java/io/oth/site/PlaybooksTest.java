package io.oth.site;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlaybooksTest {
    private final Playbooks playbooks = Playbooks.load();

    @Test
    void readsTheRolesWithTheirCountsAndPublicAddressRule() {
        assertEquals(List.of("lb", "app", "storage"), List.copyOf(playbooks.roles().keySet()));
        Role lb = playbooks.roles().get("lb");
        assertEquals(new Role.Count(1, OptionalInt.of(1)), lb.count());
        assertEquals(Role.PublicAddress.REQUIRED, lb.publicAddress());
        assertEquals(new Role.Count(1, OptionalInt.empty()), playbooks.roles().get("app").count());
        assertEquals(Role.PublicAddress.FORBIDDEN, playbooks.roles().get("app").publicAddress());
        assertEquals("exactly 1", lb.count().describe());
        assertEquals("at least 1", playbooks.roles().get("app").count().describe());
        assertEquals("at most 1", playbooks.roles().get("storage").count().describe());
    }

    @Test
    void readsTheInboundPortRules() {
        assertEquals(new Role.Inbound(443, "tcp", List.of("anywhere"), Optional.empty(), Optional.of("https"), Optional.empty(),
                "HTTPS to the application"), playbooks.roles().get("lb").inbound().get(1));
        assertEquals(new Role.Inbound(3306, "tcp", List.of("app"), Optional.of("database"), Optional.of("mariadb"), Optional.empty(), "MariaDB"),
                playbooks.roles().get("storage").inbound().get(0));
        assertEquals(new Role.Inbound(5672, "tcp", List.of("app"), Optional.of("broker"), Optional.of("amqp"), Optional.of(Role.Condition.PLAIN_AMQP),
                "RabbitMQ AMQP"), playbooks.roles().get("storage").inbound().get(2));
    }

    @Test
    void aConditionThePlaybooksDoNotKnowIsRefusedWithItsPlace(@TempDir Path dir) throws Exception {
        for (String file : List.of("roles.yml", "outbound.yml", "support.yml", "install.yml")) {
            Files.writeString(dir.resolve(file), PlaybookFiles.read(file));
        }
        Files.writeString(dir.resolve("roles.yml"), PlaybookFiles.read("roles.yml").replace("name: amqp, when: plain_amqp,", "name: amqp, when: plain,"));
        PlaybookFiles.Broken broken = assertThrows(PlaybookFiles.Broken.class, () -> Playbooks.read(dir));
        assertTrue(broken.getMessage().matches("(?s).*roles\\.yml:\\d+:\\d+: roles\\.storage\\.inbound\\[2\\]\\.when: .*plain.*one of plain_amqp.*"),
                broken.getMessage());
    }

    @Test
    void readsTheFeaturesAndTheirEndpoints() {
        assertEquals(List.of("android_push", "ios_push", "sms", "video"), List.copyOf(playbooks.features().keySet()));
        Feature ios = playbooks.features().get("ios_push");
        assertTrue(ios.mandatory());
        assertEquals(List.of(new Feature.Endpoint("gateway.push.apple.com", List.of(2195, 2196, 5223), "tcp")), ios.endpoints());
        assertFalse(playbooks.features().get("sms").mandatory());
    }

    @Test
    void readsTheSupportAddresses() {
        assertEquals(List.of("52.30.207.215/32", "52.31.90.17/32"), playbooks.supportAddresses());
    }

    @Test
    void readsThemOnce() {
        assertSame(playbooks, Playbooks.load());
    }

    @Test
    void aCopyWithoutARoleTheCodeConfiguresIsBroken(@TempDir Path dir) throws Exception {
        for (String file : List.of("roles.yml", "outbound.yml", "support.yml", "install.yml")) {
            Files.writeString(dir.resolve(file), PlaybookFiles.read(file));
        }
        String roles = PlaybookFiles.read("roles.yml");
        Files.writeString(dir.resolve("roles.yml"), roles.replace("\n  lb:\n", "\n  balancer:\n").replace("[bastion, lb]", "[bastion, balancer]").replace("from: [lb]", "from: [balancer]"));
        PlaybookFiles.Broken broken = assertThrows(PlaybookFiles.Broken.class, () -> Playbooks.read(dir));
        assertTrue(broken.getMessage().endsWith("roles.yml: no role lb (oth configures that role's nodes itself)"), broken.getMessage());
    }

    @Test
    void twoRulesOfARoleWithOneNameAreBroken(@TempDir Path dir) throws Exception {
        for (String file : List.of("roles.yml", "outbound.yml", "support.yml", "install.yml")) {
            Files.writeString(dir.resolve(file), PlaybookFiles.read(file));
        }
        Files.writeString(dir.resolve("roles.yml"), PlaybookFiles.read("roles.yml").replace("name: amqp,", "name: amqps,"));
        PlaybookFiles.Broken broken = assertThrows(PlaybookFiles.Broken.class, () -> Playbooks.read(dir));
        assertTrue(broken.getMessage().matches("(?s).*roles\\.yml:\\d+:\\d+: roles\\.storage\\.inbound: two rules are named amqps .*"), broken.getMessage());
    }
}
