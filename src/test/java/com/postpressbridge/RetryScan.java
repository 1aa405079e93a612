package com.postpressbridge;

import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.apache.camel.CamelContext;

import io.quarkus.arc.Arc;

import com.postpressbridge.outcome.WaitingRecords;

/**
 * The dispatches of waiting records a test must not meet: the {@code retry} route (the scan for waiting records that
 * are due) held while a test looks at a record waiting, and the dispatch of the app's start waited for.
 */
final class RetryScan {

    interface Steps {
        void run() throws Exception;
    }

    private RetryScan() {
    }

    /**
     * The app's start wakes the dispatcher (it sends what waited while it was down); waits for that dispatch to end. Its
     * wake-up can sit in its queue for up to a second (a seda consumer does not poll while the app is still starting),
     * and then take records a test left waiting in the meantime.
     */
    static void startDispatchEnded() {
        WaitingRecords waiting = Arc.container().instance(WaitingRecords.class).get();
        await().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(30)).until(() -> waiting.dispatchesEnded() > 0);
    }

    /**
     * Runs the steps with the scan suspended (they may resume it themselves), after the start's dispatch; resumed
     * after, whatever happens.
     */
    static void held(CamelContext camel, Steps steps) throws Exception {
        startDispatchEnded();
        camel.getRouteController().suspendRoute("retry");
        try {
            steps.run();
        } finally {
            resume(camel);
        }
    }

    static void resume(CamelContext camel) throws Exception {
        camel.getRouteController().resumeRoute("retry");
    }
}
