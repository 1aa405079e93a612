import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * A postpress that takes its time: every request is read whole and answered 201 (a started chat) after DELAY_MS. With
 * a delay of seconds the bridge's sending threads wait on it and take next to no CPU, so that bench/webhooks with
 * INTAKE_ONLY=1 measures what the intake of deliveries costs by itself.
 *
 * java bench/SlowStub.java PORT DELAY_MS
 */
public class SlowStub {

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        long delay = Long.parseLong(args[1]);
        byte[] answer = "{\"object\":\"ChatStarted\",\"chat_id\":\"chat-slow\",\"message_id\":\"message-slow\"}"
                .getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                body.readAllBytes();
                Thread.sleep(delay);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(201, answer.length);
                out.write(answer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.start();
        System.out.println("slow stub on " + port + ", " + delay + " ms an answer");
    }
}
