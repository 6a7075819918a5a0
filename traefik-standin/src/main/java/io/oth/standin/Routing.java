package io.oth.standin;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The routers of one dynamic configuration, per entry point, in traefik's matching order. */
final class Routing implements AutoCloseable {

    record Route(String router, Rule rule, int priority, List<DynamicConfig.Headers> middlewares,
                 LoadBalancer service) {
    }

    /** Highest priority first; equal priorities by router name, so that the order is stable. */
    private static final Comparator<Route> ORDER =
            Comparator.comparingInt(Route::priority).reversed().thenComparing(Route::router);

    private final Map<String, List<Route>> routesByEntryPoint = new HashMap<>();
    private final ScheduledExecutorService healthChecks = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "health-check");
        thread.setDaemon(true);
        return thread;
    });

    Routing(DynamicConfig config, HttpClient client, Log log) {
        Map<String, LoadBalancer> services = new HashMap<>();
        config.services().forEach((name, service) -> {
            LoadBalancer balancer = new LoadBalancer(service);
            services.put(name, balancer);
            if (service.healthCheck() != null) {
                long interval = service.healthCheck().interval().toMillis();
                healthChecks.scheduleWithFixedDelay(() -> balancer.check(client, log),
                        interval, interval, TimeUnit.MILLISECONDS);
            }
        });
        for (DynamicConfig.Router router : config.routers().values()) {
            List<DynamicConfig.Headers> middlewares = router.middlewares().stream()
                    .map(config.middlewares()::get).toList();
            Route route = new Route(router.name(), router.rule(), router.priority(), middlewares,
                    services.get(router.service()));
            router.entryPoints().forEach(entryPoint ->
                    routesByEntryPoint.computeIfAbsent(entryPoint, name -> new ArrayList<>()).add(route));
        }
        routesByEntryPoint.values().forEach(routes -> routes.sort(ORDER));
    }

    /** The first route whose rule matches, or null (traefik then answers 404). */
    Route match(String entryPoint, String host, String path) {
        for (Route route : routesByEntryPoint.getOrDefault(entryPoint, List.of())) {
            if (route.rule().matches(host, path)) {
                return route;
            }
        }
        return null;
    }

    @Override
    public void close() {
        healthChecks.shutdownNow();
    }
}
