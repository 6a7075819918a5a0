package io.oth.standin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A service's servers in round-robin order, skipping those its active health check found down. */
final class LoadBalancer {

    private final DynamicConfig.Service service;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<URI> down = ConcurrentHashMap.newKeySet();

    LoadBalancer(DynamicConfig.Service service) {
        this.service = service;
    }

    boolean passHostHeader() {
        return service.passHostHeader();
    }

    /** The next healthy server, or null when none is (traefik then answers 503). */
    URI pick() {
        List<URI> servers = service.servers();
        for (int i = 0; i < servers.size(); i++) {
            URI server = servers.get(Math.floorMod(next.getAndIncrement(), servers.size()));
            if (!down.contains(server)) {
                return server;
            }
        }
        return null;
    }

    /** One round of the active health check: a status from 200 to 399 within the timeout is up. */
    void check(HttpClient client, Log log) {
        DynamicConfig.HealthCheck healthCheck = service.healthCheck();
        for (URI server : service.servers()) {
            HttpRequest request = HttpRequest.newBuilder(server.resolve(healthCheck.path()))
                    .timeout(healthCheck.timeout()).build();
            String problem;
            try {
                int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                problem = status >= 200 && status < 400 ? null : "status " + status;
            } catch (IOException e) {
                problem = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (problem == null && down.remove(server)) {
                log.info("service " + service.name() + ": server " + server + " is up again");
            } else if (problem != null && down.add(server)) {
                log.error("service " + service.name() + ": health check of " + server + " failed: " + problem);
            }
        }
    }
}
