import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A CRM's burst: N unique one-record webhook deliveries, each signed (X-Outreach-Signature) and with its own delivery
 * id, sent by C connections at once, each connection sending its next delivery as soon as the last one is answered
 * (a closed loop, as a CRM's webhook workers do). Prints one line:
 * {@code webhook-load deliveries=N seconds=S started_at=<epoch ms> p50_ms p99_ms max_ms statuses=202:N,...}.
 *
 * java bench/WebhookLoad.java URL SECRET DELIVERIES CONNECTIONS [FIRST_INDEX]
 * java bench/WebhookLoad.java --write FILE SECRET DELIVERIES [FIRST_INDEX]   (signed ahead, for wrk: see write)
 */
public class WebhookLoad {

    public static void main(String[] args) throws Exception {
        if (args[0].equals("--write")) {
            write(args[1], args[2].getBytes(StandardCharsets.UTF_8), Integer.parseInt(args[3]),
                    args.length > 4 ? Integer.parseInt(args[4]) : 0);
            return;
        }
        URI url = URI.create(args[0]);
        byte[] secret = args[1].getBytes(StandardCharsets.UTF_8);
        int deliveries = Integer.parseInt(args[2]);
        int connections = Integer.parseInt(args[3]);
        int first = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        AtomicInteger next = new AtomicInteger();
        long[] latencies = new long[deliveries];
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        ExecutorService senders = Executors.newFixedThreadPool(connections);
        long started = System.currentTimeMillis();
        long start = System.nanoTime();
        for (int c = 0; c < connections; c++) {
            senders.submit(() -> {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret, "HmacSHA256"));
                for (int i = next.getAndIncrement(); i < deliveries; i = next.getAndIncrement()) {
                    int n = first + i;
                    String body = body(n);
                    HttpRequest request = HttpRequest.newBuilder(url).header("Content-Type", "application/json")
                            .header("X-Outreach-Signature", signature(mac, body)).header("X-Outreach-Delivery-Id", "bench-" + n)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build();
                    long sent = System.nanoTime();
                    int status;
                    try {
                        status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    } catch (java.io.IOException e) {
                        status = -1; // no answer
                    }
                    latencies[i] = System.nanoTime() - sent;
                    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                }
                return null;
            });
        }
        senders.shutdown();
        senders.awaitTermination(1, TimeUnit.HOURS);
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(latencies);
        Map<Integer, AtomicInteger> sorted = new TreeMap<>(statuses);
        StringBuilder answers = new StringBuilder();
        sorted.forEach((status, count) -> answers.append(answers.length() > 0 ? "," : "").append(status).append(':')
                .append(count.get()));
        System.out.printf("webhook-load deliveries=%d seconds=%.3f started_at=%d p50_ms=%.1f p99_ms=%.1f max_ms=%.1f"
                + " statuses=%s%n", deliveries, seconds, started, latencies[deliveries / 2] / 1e6,
                latencies[(int) (deliveries * 0.99)] / 1e6, latencies[deliveries - 1] / 1e6, answers);
    }

    /** The body of delivery n: one record of its own. */
    static String body(int n) {
        return "{\"external_id\":\"wh-" + n + "\",\"account_id\":\"acc_wh_" + (n % 50) + "\",\"attendees_ids\":[\"ACoA-wh-"
                + n + "\"],\"text\":\"Hi, webhook record " + n + ".\"}";
    }

    /** X-Outreach-Signature of a body, signed now. */
    static String signature(Mac mac, String body) {
        long t = System.currentTimeMillis() / 1000;
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(mac.doFinal((t + "." + body).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * For a load tool that cannot sign (wrk, bench/webhook-load.lua): N deliveries signed ahead, a line each: delivery
     * id, signature and body, separated by tabs. Signed now, they are good for outreach.webhook.tolerance (5 min).
     */
    static void write(String file, byte[] secret, int deliveries, int first) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret, "HmacSHA256"));
        StringBuilder lines = new StringBuilder();
        for (int n = first; n < first + deliveries; n++) {
            String body = body(n);
            lines.append("bench-").append(n).append('\t').append(signature(mac, body)).append('\t').append(body).append('\n');
        }
        java.nio.file.Files.writeString(java.nio.file.Path.of(file), lines);
    }
}
