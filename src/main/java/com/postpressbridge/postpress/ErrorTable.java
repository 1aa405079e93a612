package com.postpressbridge.postpress;

import static com.postpressbridge.postpress.ErrorRouting.ALREADY_PERFORMED;
import static com.postpressbridge.postpress.ErrorRouting.HOLD_ACCOUNT;
import static com.postpressbridge.postpress.ErrorRouting.HOLD_ACCOUNT_LONG;
import static com.postpressbridge.postpress.ErrorRouting.QUARANTINE;
import static com.postpressbridge.postpress.ErrorRouting.RETRY;
import static com.postpressbridge.postpress.ErrorRouting.RETRY_LATER;
import static com.postpressbridge.postpress.ErrorRouting.RETRY_PAUSE_ACCOUNT;
import static com.postpressbridge.postpress.ErrorRouting.STOP_ALL;

import java.util.Map;

/**
 * Every error type postpress answers "Start a new chat" with: its status, what it says, and its routing (the table
 * of postpress-api.md); and the rule for the types it does not list.
 */
public final class ErrorTable {

    /** One row of the table. */
    public record ErrorType(String type, int status, ErrorRouting routing, String title) {
    }

    public static final Map<String, ErrorType> TYPES = Map.ofEntries(
            type("errors/invalid_parameters", 400, QUARANTINE,
                    "One or more request parameters are invalid or missing."),
            type("errors/missing_parameters", 400, QUARANTINE,
                    "One or more request parameters are missing."),
            type("errors/malformed_request", 400, QUARANTINE,
                    "The given request has been rejected by the provider."),
            type("errors/content_too_large", 400, QUARANTINE,
                    "The request payload is too large for the provider."),
            type("errors/invalid_url", 400, QUARANTINE,
                    "A url in the payload is invalid."),
            type("errors/too_many_characters", 400, QUARANTINE,
                    "The provided content exceeds the character limit."),
            type("errors/unescaped_characters", 400, QUARANTINE,
                    "The request path contains unescaped characters."),
            type("errors/limit_too_high", 400, QUARANTINE,
                    "Pagination limit too high. See API reference for details."),
            type("errors/missing_credentials", 401, STOP_ALL,
                    "Some credentials are necessary to perform the request."),
            type("errors/multiple_sessions", 401, HOLD_ACCOUNT,
                    "LinkedIn limits multiple sessions on certain Recruiter accounts. Use the cookie connection method."),
            type("errors/invalid_checkpoint_solution", 401, HOLD_ACCOUNT,
                    "The checkpoint resolution did not pass successfully. Retry."),
            type("errors/invalid_proxy_credentials", 401, HOLD_ACCOUNT,
                    "The provided proxy credentials are invalid."),
            type("errors/checkpoint_error", 401, HOLD_ACCOUNT,
                    "The checkpoint does not appear to be resolvable."),
            type("errors/invalid_credentials", 401, HOLD_ACCOUNT,
                    "The provided credentials are invalid."),
            type("errors/expired_credentials", 401, HOLD_ACCOUNT,
                    "Credentials have expired. Reconnect the account."),
            type("errors/insufficient_privileges", 401, STOP_ALL,
                    "This resource is out of your API-key scopes."),
            type("errors/disconnected_account", 401, HOLD_ACCOUNT,
                    "The account is disconnected from the provider service."),
            type("errors/disconnected_feature", 401, HOLD_ACCOUNT,
                    "The service you're trying to reach is disconnected."),
            type("errors/invalid_credentials_but_valid_account_imap", 401, HOLD_ACCOUNT,
                    "IMAP/SMTP credentials are invalid but the account is otherwise valid."),
            type("errors/expired_link", 401, HOLD_ACCOUNT,
                    "This link has expired. Generate a new one."),
            type("errors/wrong_account", 401, HOLD_ACCOUNT,
                    "The provided credentials do not match the correct account."),
            type("errors/account_restricted", 403, HOLD_ACCOUNT,
                    "The account has been restricted by the provider."),
            type("errors/account_mismatch", 403, QUARANTINE,
                    "This action cannot be done with your account."),
            type("errors/insufficient_permissions", 403, HOLD_ACCOUNT,
                    "Valid authentication but insufficient permissions to perform the request."),
            type("errors/session_mismatch", 403, HOLD_ACCOUNT,
                    "Token user id does not match client session id."),
            type("errors/feature_not_subscribed", 403, QUARANTINE,
                    "The requested feature has not been subscribed or authenticated properly."),
            type("errors/subscription_required", 403, QUARANTINE,
                    "A subscription is required to use this feature."),
            type("errors/unknown_authentication_context", 403, HOLD_ACCOUNT,
                    "An additional step seems necessary to complete login."),
            type("errors/action_required", 403, HOLD_ACCOUNT,
                    "An additional step is required. Complete authentication on the provider's native application."),
            type("errors/resource_access_restricted", 403, QUARANTINE,
                    "You don't have access to this resource."),
            type("errors/resource_not_found", 404, QUARANTINE,
                    "The requested resource was not found."),
            type("errors/invalid_resource_identifier", 404, QUARANTINE,
                    "The provided identifier is not valid."),
            type("errors/unsupported_media_type", 415, QUARANTINE,
                    "The media has been rejected by the provider."),
            type("errors/invalid_account", 422, HOLD_ACCOUNT,
                    "The account is not valid for this operation."),
            type("errors/invalid_recipient", 422, QUARANTINE,
                    "The recipient is not valid."),
            type("errors/no_connection_with_recipient", 422, QUARANTINE,
                    "The recipient is not a first-degree connection."),
            type("errors/blocked_recipient", 422, QUARANTINE,
                    "The recipient has blocked this account."),
            type("errors/user_unreachable", 422, QUARANTINE,
                    "The user cannot be reached."),
            type("errors/unprocessable_entity", 422, QUARANTINE,
                    "The request cannot be processed."),
            type("errors/payment_error", 422, HOLD_ACCOUNT,
                    "A payment is required and could not be completed."),
            type("errors/action_already_performed", 422, ALREADY_PERFORMED,
                    "This action has already been performed."),
            type("errors/invalid_message", 422, QUARANTINE,
                    "The message is invalid."),
            type("errors/invalid_post", 422, QUARANTINE,
                    "The referenced post is invalid."),
            type("errors/not_allowed_inmail", 422, QUARANTINE,
                    "InMail is not allowed for this recipient or account."),
            type("errors/insufficient_credits", 422, HOLD_ACCOUNT,
                    "Not enough InMail credits."),
            type("errors/cannot_resend_yet", 422, RETRY_LATER,
                    "The message cannot be resent yet."),
            type("errors/cannot_resend_within_24hrs", 422, RETRY_LATER,
                    "The message cannot be resent within 24 hours."),
            type("errors/limit_exceeded", 422, HOLD_ACCOUNT_LONG,
                    "A provider-side limit has been exceeded."),
            type("errors/already_invited_recently", 422, QUARANTINE,
                    "The recipient was already invited recently."),
            type("errors/already_connected", 422, QUARANTINE,
                    "Already connected to this recipient."),
            type("errors/cannot_invite_attendee", 422, QUARANTINE,
                    "The attendee cannot be invited."),
            type("errors/parent_mail_not_found", 422, QUARANTINE,
                    "The parent mail was not found."),
            type("errors/parent_mail_invalid_provider_id", 422, QUARANTINE,
                    "The parent mail provider id is invalid."),
            type("errors/invalid_reply_subject", 422, QUARANTINE,
                    "Reply subject is invalid."),
            type("errors/invalid_headers", 422, QUARANTINE,
                    "Headers are invalid."),
            type("errors/send_as_denied", 422, QUARANTINE,
                    "Send-as permission denied."),
            type("errors/invalid_folder", 422, QUARANTINE,
                    "Folder is invalid."),
            type("errors/invalid_thread", 422, QUARANTINE,
                    "Thread is invalid."),
            type("errors/unauthorized", 422, QUARANTINE,
                    "Unauthorized."),
            type("errors/sender_rejected", 422, HOLD_ACCOUNT,
                    "Sender rejected by upstream."),
            type("errors/recipient_rejected", 422, QUARANTINE,
                    "Recipient rejected by upstream."),
            type("errors/ip_rejected_by_server", 422, HOLD_ACCOUNT,
                    "Server rejected the source IP."),
            type("errors/provider_unreachable", 422, RETRY,
                    "Provider unreachable."),
            type("errors/account_configuration_error", 422, HOLD_ACCOUNT,
                    "Account configuration error."),
            type("errors/cant_send_message", 422, QUARANTINE,
                    "The message cannot be sent."),
            type("errors/realtime_client_not_initialized", 422, RETRY,
                    "Realtime client not initialized."),
            type("errors/comments_disabled", 422, QUARANTINE,
                    "Comments are disabled."),
            type("errors/insufficient_job_slot", 422, QUARANTINE,
                    "No job slot available."),
            type("errors/too_many_requests", 429, RETRY_PAUSE_ACCOUNT,
                    "The provider cannot accept any more requests at the moment. Retry later."),
            type("errors/unexpected_error", 500, RETRY,
                    "Something went wrong."),
            type("errors/provider_error", 500, RETRY,
                    "The provider is experiencing operational problems. Retry later."),
            type("errors/authentication_intent_error", 500, HOLD_ACCOUNT,
                    "The current authentication intent was killed after failure."),
            type("errors/feature_not_implemented", 501, QUARANTINE,
                    "Requested feature is planned but has not been implemented yet."),
            type("errors/no_client_session", 503, RETRY,
                    "No client session is currently running."),
            type("errors/no_channel", 503, RETRY,
                    "No channel to client session."),
            type("errors/no_handler", 503, RETRY,
                    "Handler missing for that request."),
            type("errors/network_down", 503, RETRY,
                    "Network is down on the server side. Retry shortly."),
            type("errors/service_unavailable", 503, RETRY,
                    "Service temporarily unavailable. Retry later."),
            type("errors/request_timeout", 504, RETRY,
                    "Request timed out. Retry, and contact support if it persists."));

    private ErrorTable() {
    }

    /** The routing of an answer: by its type when the table has it, else by its status. */
    public static ErrorRouting routing(int status, String type) {
        ErrorType known = type == null ? null : TYPES.get(type);
        if (known != null) {
            return known.routing();
        }
        if (status == 429 || status >= 500) {
            return RETRY;
        }
        if (status == 401 || status == 403) {
            return HOLD_ACCOUNT;
        }
        return QUARANTINE;
    }

    /** The row of a type, or null when the table does not list it. */
    public static ErrorType find(String type) {
        return TYPES.get(type);
    }

    private static Map.Entry<String, ErrorType> type(String type, int status, ErrorRouting routing, String title) {
        return Map.entry(type, new ErrorType(type, status, routing, title));
    }
}
