package com.postpressbridge;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged app (target/quarkus-app/quarkus-run.jar) started as a process of its own, as users run it. */
final class PackagedApp implements AutoCloseable {

    private final Process process;
    private final Path log;

    private PackagedApp(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static PackagedApp start(Path outreachDir, Map<String, String> env, String logName) {
        return start(outreachDir, env, logName, List.of());
    }

    /**
     * As {@link #start}, bound by file permissions even when the tests run as root (CI machines do): root reads any
     * file through the capabilities CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, which the app's process is started
     * without. An unprivileged user needs nothing dropped.
     */
    static PackagedApp startBoundByPermissions(Path outreachDir, Map<String, String> env, String logName) {
        boolean root = "root".equals(System.getProperty("user.name"));
        return start(outreachDir, env, logName,
                root ? List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search") : List.of());
    }

    private static PackagedApp start(Path outreachDir, Map<String, String> env, String logName, List<String> prefix) {
        String jar = System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar");
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-jar",
                jar));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = new HashMap<>(TestLedger.forApp(outreachDir));
        environment.putAll(env);
        environment.putIfAbsent("OUTREACH_DIR", outreachDir.toString());
        environment.putIfAbsent("QUARKUS_HTTP_PORT", String.valueOf(freePort()));
        environment.putIfAbsent("OUTREACH_INBOX_POLL_INTERVAL", "100ms");
        environment.putIfAbsent("OUTREACH_INBOX_SETTLE_TIME", "100ms");
        // Tests send many records of one account at once; PacingIT paces them.
        environment.putIfAbsent("OUTREACH_PACING_ENABLED", "false");
        builder.environment().keySet().removeIf(k -> k.startsWith("POSTPRESS_") || k.startsWith("OUTREACH_"));
        builder.environment().putAll(environment);
        Path log = outreachDir.resolveSibling(logName + ".log");
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            return new PackagedApp(builder.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM, as Kubernetes stops a pod: the app stops gracefully; {@link #awaitExit} waits for it. */
    void terminate() {
        process.destroy();
    }

    /** SIGSTOP or SIGCONT: the process freezes (a long GC pause, a throttled or partitioned pod) or goes on. */
    void signal(String name) throws java.io.IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " failed");
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** kill -9: no shutdown hook, no flush, no goodbye. */
    void crash() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to exit by itself and returns its exit code. */
    int awaitExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the app did not exit within " + seconds + " s; log: " + log());
        }
        return process.exitValue();
    }

    String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the app answers that it is ready. */
    static void awaitReady(int port) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> readiness(port).statusCode() == 200);
    }

    /** The app's readiness answer ({@code /q/health/ready}). */
    static java.net.http.HttpResponse<String> readiness(int port) throws IOException, InterruptedException {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + port + "/q/health/ready")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** One check of a health answer, by name. */
    static com.fasterxml.jackson.databind.JsonNode check(java.net.http.HttpResponse<String> health, String name)
            throws IOException {
        for (com.fasterxml.jackson.databind.JsonNode check : CrashRecoveryIT.JSON.readTree(health.body()).get("checks")) {
            if (name.equals(check.get("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no " + name + " check in " + health.body());
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
