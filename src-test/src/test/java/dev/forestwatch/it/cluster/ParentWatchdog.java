package dev.forestwatch.it.cluster;

import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;

/**
 * Launcher of the cluster's JobManager and TaskManager processes: it starts a daemon thread that
 * halts this JVM as soon as the test JVM that started it ({@code -Dforestwatch.parent.pid}) is
 * gone, then runs the real main class (the first argument) with the remaining arguments.
 *
 * <p>The harness stops its processes in {@code close()} and in a shutdown hook; this covers what
 * those cannot: a test JVM killed with SIGKILL (e.g. by a build timeout) leaves no Flink process
 * behind. The class is copied alone onto the processes' class path, so it must stay a single
 * top-level class without nested or anonymous classes.
 */
public final class ParentWatchdog {
    private ParentWatchdog() {}

    public static void main(String[] args) throws Exception {
        String parent = System.getProperty("forestwatch.parent.pid");
        if (parent != null) {
            Optional<ProcessHandle> handle = ProcessHandle.of(Long.parseLong(parent));
            if (handle.isEmpty()) {
                Runtime.getRuntime().halt(3);
            }
            Thread watchdog =
                    new Thread(
                            () -> {
                                handle.get().onExit().join();
                                System.err.println("test JVM " + parent + " is gone; halting");
                                Runtime.getRuntime().halt(3);
                            },
                            "forestwatch-parent-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
        }
        Method main = Class.forName(args[0]).getMethod("main", String[].class);
        main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    }
}
