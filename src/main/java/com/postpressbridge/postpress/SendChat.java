package com.postpressbridge.postpress;

/** Names shared by the {@code send-chat} route and its beans. */
public final class SendChat {

    /** Exchange property holding the {@link OutreachItem} while its body is the request. */
    public static final String ITEM = "outreachItem";

    private SendChat() {
    }
}
