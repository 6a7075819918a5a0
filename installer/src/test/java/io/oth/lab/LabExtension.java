package io.oth.lab;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.nio.file.Path;

/**
 * Gives tests the lab: brought up once for the whole run (with {@code oth.lab.apps} app nodes,
 * default 2) and torn down when the run ends, even after failures.
 */
public final class LabExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == Lab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .computeIfAbsent(Running.class, k -> Running.start(), Running.class).lab;
    }

    /** Closed by JUnit when the root context closes, that is, at the end of the run. */
    static final class Running implements ExtensionContext.Store.CloseableResource {
        final Lab lab;
        private final Thread onExit;

        private Running(Lab lab) {
            this.lab = lab;
            this.onExit = new Thread(() -> lab.lab("down"), "lab-down");
            Runtime.getRuntime().addShutdownHook(onExit);
        }

        static Running start() {
            Path script = Lab.repo().resolve("lab/lab");
            Path dir = Path.of(System.getProperty("oth.lab.dir", "/run/oth-lab"));
            int apps = Integer.getInteger("oth.lab.apps", 2);
            Lab.Result down = Lab.run(script, dir, "down");
            if (down.exitCode() != 0) {
                throw new AssertionError("lab down before the run failed: " + down.output());
            }
            Lab.Result up = Lab.run(script, dir, "up", String.valueOf(apps));
            if (up.exitCode() != 0) {
                Lab.run(script, dir, "down");
                throw new AssertionError("lab up " + apps + " failed: " + up.output());
            }
            return new Running(new Lab(script, dir, apps));
        }

        @Override
        public void close() {
            Lab.Result down = lab.lab("down");
            Runtime.getRuntime().removeShutdownHook(onExit);
            if (down.exitCode() != 0) {
                throw new AssertionError("lab down failed: " + down.output());
            }
        }
    }
}
