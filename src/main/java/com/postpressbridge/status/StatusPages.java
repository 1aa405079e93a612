package com.postpressbridge.status;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * The status page ({@code GET /}) and its help ({@code GET /help.html}): fixed HTML from the classpath, with no data
 * in it, served to all (the data comes from {@code /status}). Two routes of the HTTP server: nothing to decide, nothing
 * to wire.
 */
@ApplicationScoped
public class StatusPages {

    void routes(@Observes Router router) {
        serve(router, "/", load("index.html"));
        serve(router, "/help.html", load("help.html"));
    }

    private static void serve(Router router, String path, String page) {
        router.get(path).handler(request -> request.response().putHeader("Content-Type", "text/html; charset=utf-8")
                .putHeader("Cache-Control", "no-store").end(page));
    }

    static String load(String name) {
        try (InputStream in = StatusPages.class.getResourceAsStream("/status/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no page " + name + " in the application");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
