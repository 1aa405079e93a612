package com.postpressbridge.outcome;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import com.postpressbridge.ledger.DiskFault;

/** Readiness is DOWN, with the reason, while the disk cannot take the ledger's or the outcome folders' writes. */
@Readiness
@ApplicationScoped
public class DiskReadiness implements HealthCheck {

    private final DiskFault disk;
    private final HeldOutcomes held;

    public DiskReadiness(DiskFault disk, HeldOutcomes held) {
        this.disk = disk;
        this.held = held;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("disk");
        return disk.fault()
                .map(fault -> response.down()
                        .withData("reason", "nothing is sent: " + fault.reason())
                        .withData("since", fault.since().toString())
                        .withData("held_outcomes", held.size())
                        .build())
                .orElseGet(() -> response.up().build());
    }
}
