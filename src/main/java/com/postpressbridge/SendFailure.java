package com.postpressbridge;

import java.time.Duration;

/**
 * What a failed send means: the routing, the error to keep in the outcome file, the server's Retry-After, and
 * whether the request surely never reached postpress.
 *
 * @param answered postpress answered (an HTTP status), as opposed to a local error or no answer at all
 */
public record SendFailure(ErrorRouting routing, OutreachError error, Duration retryAfter, boolean answered,
        boolean neverSent) {
}
