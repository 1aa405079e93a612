package com.postpressbridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.junit.jupiter.api.Test;

import com.postpressbridge.inbox.GracefulStop;

/**
 * The Kubernetes manifests {@code mvn package} writes (quarkus-kubernetes, with src/main/kubernetes merged in): what a
 * user applies must probe the health endpoints, take its secrets from the Secret, mount the outreach volume where
 * {@code OUTREACH_DIR} points, and give a graceful stop its time.
 */
class KubernetesManifestIT {

    @Test
    void theGeneratedManifestsHoldWhatADeploymentNeeds() throws Exception {
        Path manifests = Path.of(System.getProperty("app.jar", "target/quarkus-app/quarkus-run.jar")).getParent()
                .getParent().resolve("kubernetes/kubernetes.yml");
        Map<String, JsonNode> byKind = new HashMap<>();
        try (MappingIterator<JsonNode> documents = new YAMLMapper().readerFor(JsonNode.class)
                .readValues(manifests.toFile())) {
            while (documents.hasNext()) {
                JsonNode document = documents.next();
                byKind.put(document.path("kind").asText(), document);
            }
        }
        JsonNode deployment = byKind.get("Deployment");
        assertNotNull(deployment, "a Deployment in " + byKind.keySet());
        assertNotNull(byKind.get("Service"), "a Service");
        JsonNode claim = byKind.get("PersistentVolumeClaim");
        assertEquals("postpress-bridge-outreach", claim.at("/metadata/name").asText());

        JsonNode pod = deployment.at("/spec/template/spec");
        assertEquals("Recreate", deployment.at("/spec/strategy/type").asText(),
                "no new version beside the old one on the same ledger: " + deployment.path("spec"));
        // The longest a stop waits with the defaults (postpress.timeout 30 s, 2 quick re-sends 1 s apart, doubling).
        long longestStop = GracefulStop.longestStop(Duration.ofSeconds(30), 2, Duration.ofSeconds(1)).toSeconds();
        assertTrue(pod.path("terminationGracePeriodSeconds").asInt() > longestStop,
                "Kubernetes would kill the pod before a graceful stop ends (" + longestStop + " s): " + pod);
        assertTrue(pod.path("initContainers").isMissingNode(), "Flyway migrates at the app's start, no init job");
        JsonNode container = pod.at("/containers/0");
        assertEquals("postpress-bridge:latest", container.path("image").asText(), "the image the README builds");
        assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("postpress-bridge", container.at("/envFrom/0/secretRef/name").asText(),
                "the API key and webhook secrets from the Secret");
        String outreachDir = null;
        for (JsonNode env : container.path("env")) {
            if ("OUTREACH_DIR".equals(env.path("name").asText())) {
                outreachDir = env.path("value").asText();
            }
            assertTrue(!env.path("name").asText().contains("API_KEY") && !env.path("name").asText().contains("SECRET"),
                    "no secret written into the manifest: " + env);
        }
        assertEquals("/data/outreach", outreachDir);
        String mountPath = container.at("/volumeMounts/0/mountPath").asText();
        assertTrue(outreachDir.startsWith(mountPath + "/"), "OUTREACH_DIR is on the volume: " + mountPath);
        String volume = container.at("/volumeMounts/0/name").asText();
        boolean claimed = false;
        for (JsonNode v : pod.path("volumes")) {
            claimed |= volume.equals(v.path("name").asText())
                    && "postpress-bridge-outreach".equals(v.at("/persistentVolumeClaim/claimName").asText());
        }
        assertTrue(claimed, "the mounted volume is the claim: " + pod.path("volumes"));
        assertTrue(container.at("/resources/requests/memory").isTextual(), "resource requests");
    }
}
