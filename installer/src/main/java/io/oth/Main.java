package io.oth;

import io.oth.cli.OthCommand;
import io.oth.cli.Prompter;
import io.oth.cli.Stdout;
import io.oth.site.StateDir;

import java.io.PrintWriter;

/** The entry point: {@link #main} only exits with what {@link #run} returns. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        outliveNoLauncher(System.getenv("OTH_LAUNCHER_PID"));
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, args));
    }

    /**
     * When the launcher script does not exec the JVM (the run that records its class-data archive),
     * it names itself in OTH_LAUNCHER_PID. If that script is killed, even with SIGKILL, which it
     * cannot pass on, this JVM must not go on alone (an install nobody can stop): it stops too, as
     * if it had been killed with it. A run killed this way is what a next run reports and resumes.
     */
    static void outliveNoLauncher(String launcherPid) {
        if (launcherPid == null || !launcherPid.matches("\\d+")) {
            return;
        }
        long pid = Long.parseLong(launcherPid);
        Thread watch = new Thread(() -> {
            while (ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == pid) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(137);
        }, "oth-launcher-watch");
        watch.setDaemon(true);
        watch.start();
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(out, err, Prompter.system(), args);
    }

    public static int run(PrintWriter out, PrintWriter err, Prompter prompter, String... args) {
        return OthCommand.execute(out, err, prompter, Stdout.system(), StateDir::base, args);
    }
}
