package com.postpressbridge.chat;

import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.ExchangeProperty;
import org.apache.hc.client5.http.entity.mime.HttpMultipartMode;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;

import com.postpressbridge.postpress.SendChat;
import com.postpressbridge.record.Attachment;
import com.postpressbridge.record.FormPart;
import com.postpressbridge.record.OutreachItem;

/**
 * The {@code multipart/form-data} body of "Start a new chat", laid out as curl and browsers send it (the vendor's
 * own example is curl): text fields as UTF-8 bytes without a part Content-Type, file parts with their file name (as
 * UTF-8, not percent-encoded) and media type. The entity carries the request's Content-Type with its boundary and
 * nothing else; nobody sets that header by hand.
 */
@ApplicationScoped
@Named("multipartBody")
public class MultipartBody {

    private static final ContentType TEXT = ContentType.TEXT_PLAIN.withCharset(StandardCharsets.UTF_8);
    /** HttpCore's MULTIPART_FORM_DATA would add "charset=ISO-8859-1" to the request's Content-Type. */
    private static final ContentType FORM_DATA = ContentType.create("multipart/form-data");

    public HttpEntity build(@ExchangeProperty(SendChat.ITEM) OutreachItem item) {
        MultipartEntityBuilder body = MultipartEntityBuilder.create()
                .setMode(HttpMultipartMode.LEGACY)
                .setCharset(StandardCharsets.UTF_8)
                .setContentType(FORM_DATA);
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
