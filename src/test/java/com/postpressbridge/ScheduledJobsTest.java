package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
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
                Scheduled scheduled = method.getAnnotation(Scheduled.class);
                if (scheduled != null) {
                    jobs.add(type.getSimpleName() + "." + method.getName());
                    if (scheduled.skipExecutionIf() != Scheduled.ApplicationNotRunning.class) {
                        unguarded.add(type.getSimpleName() + "." + method.getName());
                    }
                }
            }
        }
        assertTrue(jobs.size() >= 8, "the jobs were found: " + jobs);
        assertEquals(List.of(), unguarded);
    }

    private static List<Class<?>> bridgeClasses() throws IOException, ClassNotFoundException {
        Path classes = Path.of("target/classes");
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
