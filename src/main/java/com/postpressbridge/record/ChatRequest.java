package com.postpressbridge.record;

import java.util.List;

/** A validated record, templates filled in and files resolved: exactly the parts that will be posted, in order. */
public record ChatRequest(String accountId, List<FormPart> parts) {
}
