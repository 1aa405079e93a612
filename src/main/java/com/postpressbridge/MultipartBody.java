package com.postpressbridge;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;
import org.apache.hc.client5.http.entity.mime.HttpMultipartMode;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;

/**
 * The {@code multipart/form-data} body of "Start a new chat". The entity carries its own Content-Type with the
 * boundary; nobody sets that header by hand.
 */
@ApplicationScoped
@Named("multipartBody")
public class MultipartBody {

    private static final ContentType TEXT = ContentType.TEXT_PLAIN.withCharset(StandardCharsets.UTF_8);

    public HttpEntity build(@ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        MultipartEntityBuilder body = MultipartEntityBuilder.create()
                .setMode(HttpMultipartMode.EXTENDED)
                .setCharset(StandardCharsets.UTF_8);
        for (FormPart part : item.request().parts()) {
            if (part.isFile()) {
                Attachment file = part.file();
                body.addBinaryBody(part.name(), file.path().toFile(), ContentType.create(file.contentType()),
                        file.fileName());
            } else {
                body.addTextBody(part.name(), part.value(), TEXT);
            }
        }
        return body.build();
    }
}
