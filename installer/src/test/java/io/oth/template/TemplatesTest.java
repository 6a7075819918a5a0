package io.oth.template;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TemplatesTest {

    @Test
    void aVariableTheCallerForgotIsAnErrorNotAnEmptyString() {
        Templates.TemplateException e = assertThrows(Templates.TemplateException.class,
                () -> Templates.render("traefik/traefik.yml.peb", Map.of("site", "lab")));
        assertTrue(e.getMessage().contains("traefik/traefik.yml.peb"), e.getMessage());
        assertTrue(e.getMessage().contains("port"), e.getMessage());
    }

    @Test
    void haproxyGetsOneServerPerAppNodeAndTheRedirect() {
        String cfg = Templates.render("haproxy/haproxy.cfg.peb", Map.of("site", "lab", "fqdn", "oth.example.test",
                "certificate", "/etc/haproxy/certs/oth.example.test.pem", "health_path", "/healthz",
                "app_servers", List.of(Map.of("name", "app1", "address", "10.77.0.101", "port", 80, "tls_name", "app1.lab.internal"),
                        Map.of("name", "app2", "address", "10.77.0.102", "port", 80, "tls_name", "app2.lab.internal")), "http_port", 80, "https_port", 443,
                "backend", "app", "site_ca", "/etc/haproxy/oth-tls/ca.pem", "client_certificate", "/etc/haproxy/oth-tls/client.pem"));
        assertTrue(cfg.contains("    default_backend app\n\nbackend app\n"), cfg);
        String tls = " ssl verify required ca-file /etc/haproxy/oth-tls/ca.pem crt /etc/haproxy/oth-tls/client.pem";
        assertTrue(cfg.contains("    server app1 10.77.0.101:80" + tls + " sni str(app1.lab.internal) verifyhost app1.lab.internal"
                + " check check-sni app1.lab.internal "), cfg);
        assertTrue(cfg.contains("    server app2 10.77.0.102:80" + tls + " sni str(app2.lab.internal) verifyhost app2.lab.internal"
                + " check check-sni app2.lab.internal "), cfg);
        assertTrue(cfg.lines().filter(l -> l.strip().startsWith("server ")).noneMatch(l -> l.contains(" port ") || l.contains(" addr ")),
                "a check port or address would take the health checks off TLS");
        assertTrue(cfg.contains("http-request redirect prefix https://oth.example.test code 301"), cfg);
        assertTrue(cfg.contains("ssl-min-ver TLSv1.2"), cfg);
        assertTrue(cfg.contains("stats socket /run/haproxy/admin.sock mode 600 level admin"), cfg);
    }

    @Test
    void plainAmqpAndPlainManagementListenOnlyWhenTheSiteAsksForThem() {
        String off = Templates.render("rabbitmq/rabbitmq.conf.peb", Map.of("site", "lab", "address", "10.77.0.20", "plain_amqp", false,
                "amqp_port", 5672, "amqps_port", 5671, "management_tls_port", 15671, "management_port", 15672));
        assertTrue(off.contains("listeners.tcp = none\nlisteners.ssl.1 = 10.77.0.20:5671"), off);
        assertTrue(off.contains("management.ssl.port = 15671\n"), off);
        assertFalse(off.contains("management.tcp"), off);
        String on = Templates.render("rabbitmq/rabbitmq.conf.peb", Map.of("site", "lab", "address", "10.77.0.20", "plain_amqp", true,
                "amqp_port", 5672, "amqps_port", 5671, "management_tls_port", 15671, "management_port", 15672));
        assertTrue(on.contains("listeners.tcp.1 = 10.77.0.20:5672\nlisteners.ssl.1 = 10.77.0.20:5671"), on);
        assertTrue(on.contains("management.tcp.ip = 10.77.0.20\nmanagement.tcp.port = 15672\n"), on);
    }
}
