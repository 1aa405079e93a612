package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.quarkus.scheduler.Scheduled;

/**
 * Every scheduled job of the bridge is skipped while the application is not running: one that fired as run-once
 * exited met a container already gone, and the log ended with a stack trace (a probe, about one run in 70).
 */
class ScheduledJobsTest {

    @Test
    void everyJobIsSkippedOnceTheApplicationStops() throws Exception {
        List<String> jobs = new ArrayList<>();
        List<String> unguarded = new ArrayList<>();
        for (Class<?> type : bridgeClasses()) {
            for (Method method : type.getDeclaredMethods()) {
                for (Scheduled scheduled : method.getAnnotationsByType(Scheduled.class)) {
                    String job = type.getSimpleName() + "." + method.getName();
                    jobs.add(job);
                    if (scheduled.skipExecutionIf() != Scheduled.ApplicationNotRunning.class
                            && !job.equals(HEARTBEAT)) {
                        unguarded.add(job);
                    }
                }
            }
        }
        assertTrue(jobs.size() >= 8 && jobs.contains(HEARTBEAT), "the jobs were found: " + jobs);
        assertEquals(List.of(), unguarded);
    }

    /**
     * The one job that goes on while the application stops: the requests a graceful stop could not wait for are still
     * on their way while Camel stops, and without heartbeats another replica would take them over as in doubt.
     */
    static final String HEARTBEAT = "Instance.heartbeat";

    private static List<Class<?>> bridgeClasses() throws Exception {
        // where this test's own classes were compiled from: target/test-classes beside target/classes
        Path classes = Path.of(ScheduledJobsTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .resolveSibling("classes");
        List<Class<?>> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes.resolve("com/postpressbridge"))) {
            for (Path file : files.filter(path -> path.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                found.add(Class.forName(name, false, ScheduledJobsTest.class.getClassLoader()));
            }
        }
        return found;
    }
}
