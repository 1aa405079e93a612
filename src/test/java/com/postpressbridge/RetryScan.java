package com.postpressbridge;

import org.apache.camel.CamelContext;

/** The {@code retry} route (the scan for waiting records that are due) held while a test looks at a record waiting. */
final class RetryScan {

    interface Steps {
        void run() throws Exception;
    }

    private RetryScan() {
    }

    /** Runs the steps with the scan suspended (they may resume it themselves); resumed after, whatever happens. */
    static void held(CamelContext camel, Steps steps) throws Exception {
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
