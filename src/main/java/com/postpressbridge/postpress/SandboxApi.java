package com.postpressbridge.postpress;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import com.postpressbridge.config.PostpressConfig;
import com.postpressbridge.record.ChatField;

/**
 * With {@code postpress.sandbox=true}: a postpress look-alike at {@code /sandbox/api/v1/chats}. It parses the
 * multipart like the real API, answers 201 with made-up ids, and answers an attendee id {@code sandbox:<type>}
 * (e.g. {@code sandbox:invalid_recipient}) with that error of the contract, so every routing can be tried safely.
 */
@ApplicationScoped
public class SandboxApi {

    static final String PATH = "/sandbox/api/v1/chats";
    static final String ERROR_PREFIX = "sandbox:";

    private final PostpressConfig config;

    public SandboxApi(PostpressConfig config) {
        this.config = config;
    }

    void routes(@Observes Router router) {
        if (!config.sandbox()) {
            return;
        }
        router.post(PATH)
                .handler(BodyHandler.create().setDeleteUploadedFilesOnEnd(true).setBodyLimit(100L * 1024 * 1024))
                .handler(this::startChat);
    }

    void startChat(RoutingContext request) {
        if (request.request().getHeader("X-API-KEY") == null) {
            error(request, "errors/missing_credentials", "X-API-KEY header is missing");
            return;
        }
        String contentType = request.request().getHeader("Content-Type");
        if (contentType == null || !contentType.startsWith("multipart/form-data") || !contentType.contains("boundary=")) {
            error(request, "errors/malformed_request", "the body must be multipart/form-data with a boundary");
            return;
        }
        MultiMap form = request.request().formAttributes();
        List<String> attendees = form.getAll(ChatField.ATTENDEES_IDS.formName());
        if (form.get(ChatField.ACCOUNT_ID.formName()) == null || attendees.isEmpty()) {
            error(request, "errors/missing_parameters", "account_id and attendees_ids[] are required");
            return;
        }
        for (String attendee : attendees) {
            if (attendee.startsWith(ERROR_PREFIX)) {
                String type = "errors/" + attendee.substring(ERROR_PREFIX.length());
                if (ErrorTable.find(type) == null) {
                    error(request, "errors/invalid_parameters", "the sandbox knows no error type " + type);
                } else {
                    error(request, type, "sandbox answer for attendee " + attendee);
                }
                return;
            }
        }
        String id = UUID.randomUUID().toString().replace("-", "").substring(0, 26).toUpperCase();
        request.response().setStatusCode(201).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("object", "ChatStarted").put("chat_id", "chat_sandbox_" + id)
                        .put("message_id", "msg_sandbox_" + id).encode());
    }

    private static void error(RoutingContext request, String type, String detail) {
        ErrorTable.ErrorType known = ErrorTable.find(type);
        request.response().setStatusCode(known.status()).putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("status", known.status()).put("type", type).put("title", known.title())
                        .put("detail", detail).encode());
    }
}
