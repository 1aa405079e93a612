package com.postpressbridge.postpress;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Readiness is DOWN, with the reason, while postpress refuses the API key and all sending is stopped. */
@Readiness
@ApplicationScoped
public class SendingReadiness implements HealthCheck {

    private final SendGate gate;

    public SendingReadiness(SendGate gate) {
        this.gate = gate;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("postpress-sending");
        return gate.stopped()
                .map(pause -> response.down()
                        .withData("reason", "postpress refused the API key: " + pause.reason())
                        .withData("paused_until", pause.until().toString())
                        .build())
                .orElseGet(() -> response.up().build());
    }
}
