package io.hubbub.chain.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A blocking Solana JSON-RPC 2.0 client over HTTP/1.1 keep-alive connections ({@link Http1}; call it
 * off the event loops). Several URLs give
 * fail-over: a call that fails on one (I/O error, timeout, HTTP 5xx/429) is retried once on each next
 * one, and the one that worked is used first from then on. A JSON-RPC {@code error} answer is not
 * retried (it is the node's verdict).
 */
public final class SolanaRpc {
    /** The call failed on every URL, or the node answered with a JSON-RPC error. */
    public static final class RpcException extends Exception {
        public RpcException(String message) {
            super(message);
        }
    }

    /** One entry of {@code getSignaturesForAddress} (newest first in the answer). */
    public record SignatureInfo(String signature, long slot, boolean failed, String confirmationStatus) {}

    private final List<URI> urls;
    private final Http1 http;
    private final AtomicInteger preferred = new AtomicInteger();
    private final AtomicLong ids = new AtomicLong();
    private final Counter errors;
    private final Timer latency;

    public SolanaRpc(List<String> urls, Duration timeout, MeterRegistry metrics, String errorsName, String latencyName) {
        this.urls = urls.stream().map(URI::create).toList();
        this.http = new Http1(timeout);
        this.errors = Counter.builder(errorsName).description("Solana RPC calls that failed").register(metrics);
        this.latency = Timer.builder(latencyName).description("Solana RPC call latency").register(metrics);
    }

    /**
     * The listener's WebSocket client: it runs the socket's receive work on its own selector thread
     * instead of handing every frame to a worker pool (two thread wake-ups per notification); the
     * WebSocket listener only parses and queues, so nothing blocks that thread.
     */
    public static HttpClient webSocketClient() {
        return HttpClient.newBuilder().executor(Runnable::run).build();
    }

    public boolean configured() {
        return !urls.isEmpty();
    }

    /** The {@code result} of one call; {@link RpcException} on failure. */
    public JsonNode call(String method, ArrayNode params) throws RpcException, InterruptedException {
        if (urls.isEmpty()) throw new RpcException("no RPC URL configured");
        ObjectNode body = Json.object().put("jsonrpc", "2.0").put("id", ids.incrementAndGet()).put("method", method);
        body.set("params", params);
        JsonNode answer = post(method, body);
        if (answer.hasNonNull("error")) {
            errors.increment();
            throw new RpcException(method + ": " + answer.path("error").path("message").asText(answer.path("error").toString()));
        }
        return answer.path("result");
    }

    /**
     * {@code getTransaction} of several signatures in one JSON-RPC 2.0 batch request (an array of
     * requests, answered by an array matched by {@code id}); an entry is null where the node has no
     * transaction at the commitment or answered that entry with an error. {@link RpcException} when the
     * whole request failed on every URL or the node did not answer with a batch (its message then
     * contains "batch").
     */
    public List<JsonNode> getTransactions(List<String> signatures, String commitment) throws RpcException, InterruptedException {
        if (urls.isEmpty()) throw new RpcException("no RPC URL configured");
        ArrayNode batch = Json.MAPPER.createArrayNode();
        long first = ids.getAndAdd(signatures.size()) + 1;
        for (int i = 0; i < signatures.size(); i++) {
            ObjectNode req = batch.addObject().put("jsonrpc", "2.0").put("id", first + i).put("method", "getTransaction");
            req.putArray("params").add(signatures.get(i)).add(config(commitment).put("encoding", "json").put("maxSupportedTransactionVersion", 0));
        }
        JsonNode answer = post("getTransaction batch", batch);
        if (!answer.isArray()) throw new RpcException("getTransaction: the node did not answer the batch (" + answer.path("error").path("message").asText("no array") + ")");
        List<JsonNode> out = new ArrayList<>(java.util.Collections.nCopies(signatures.size(), (JsonNode) null));
        for (JsonNode r : answer) {
            long i = r.path("id").asLong(-1) - first;
            if (i < 0 || i >= signatures.size() || r.hasNonNull("error")) continue;
            JsonNode res = r.path("result");
            if (!res.isNull() && !res.isMissingNode()) out.set((int) i, res);
        }
        return out;
    }

    /** POSTs a body to the URLs in fail-over order; the parsed answer (an object or a batch array). */
    private JsonNode post(String what, JsonNode request) throws RpcException, InterruptedException {
        byte[] bytes;
        try {
            bytes = Json.MAPPER.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new RpcException(what + ": cannot encode the request");
        }
        int first = preferred.get();
        String last = "no attempt";
        for (int i = 0; i < urls.size(); i++) {
            int idx = (first + i) % urls.size();
            long t0 = System.nanoTime();
            try {
                Http1.Response r = http.post(urls.get(idx), bytes);
                latency.record(Duration.ofNanos(System.nanoTime() - t0));
                if (r.status() == 429 || r.status() >= 500) {
                    last = "HTTP " + r.status() + " from " + urls.get(idx);
                    errors.increment();
                    continue;
                }
                preferred.set(idx);
                return Json.MAPPER.readTree(r.body());
            } catch (IOException e) {
                if (Thread.currentThread().isInterrupted()) throw new InterruptedException("RPC call interrupted");
                errors.increment();
                last = e.getClass().getSimpleName() + " from " + urls.get(idx) + ": " + e.getMessage();
            }
        }
        throw new RpcException(what + " failed on every RPC URL (" + last + ")");
    }

    private static ObjectNode config(String commitment) {
        return Json.object().put("commitment", commitment);
    }

    /** The transaction at {@code commitment} (json encoding, versioned), or empty when the node does not have it there. */
    public Optional<JsonNode> getTransaction(String signature, String commitment) throws RpcException, InterruptedException {
        ArrayNode p = Json.MAPPER.createArrayNode().add(signature);
        p.add(config(commitment).put("encoding", "json").put("maxSupportedTransactionVersion", 0));
        JsonNode r = call("getTransaction", p);
        return r == null || r.isNull() || r.isMissingNode() ? Optional.empty() : Optional.of(r);
    }

    /** Signatures for {@code address} newer than {@code until} and older than {@code before} (either may be null), newest first. */
    public List<SignatureInfo> getSignaturesForAddress(String address, String before, String until, int limit, String commitment)
            throws RpcException, InterruptedException {
        ObjectNode cfg = config(commitment).put("limit", limit);
        if (before != null) cfg.put("before", before);
        if (until != null) cfg.put("until", until);
        JsonNode r = call("getSignaturesForAddress", Json.MAPPER.createArrayNode().add(address).add(cfg));
        List<SignatureInfo> out = new ArrayList<>();
        for (JsonNode e : r)
            out.add(new SignatureInfo(e.path("signature").asText(), e.path("slot").asLong(), e.hasNonNull("err"),
                    e.path("confirmationStatus").asText(null)));
        return out;
    }

    /** The status of one signature ({@code confirmationStatus}: processed/confirmed/finalized), or empty when the node knows none. */
    public Optional<JsonNode> getSignatureStatus(String signature) throws RpcException, InterruptedException {
        ArrayNode sigs = Json.MAPPER.createArrayNode().add(signature);
        JsonNode r = call("getSignatureStatuses", Json.MAPPER.createArrayNode().add(sigs).add(Json.object().put("searchTransactionHistory", true)));
        JsonNode v = r.path("value").path(0);
        return v.isNull() || v.isMissingNode() ? Optional.empty() : Optional.of(v);
    }

    /** The {@code value} array of {@code getSignatureStatuses} (one entry or null per signature, at most 256). */
    public JsonNode getSignatureStatuses(List<String> signatures) throws RpcException, InterruptedException {
        ArrayNode sigs = Json.MAPPER.createArrayNode();
        signatures.forEach(sigs::add);
        JsonNode r = call("getSignatureStatuses", Json.MAPPER.createArrayNode().add(sigs).add(Json.object().put("searchTransactionHistory", true)));
        return r.path("value");
    }

    public long getSlot(String commitment) throws RpcException, InterruptedException {
        return call("getSlot", Json.MAPPER.createArrayNode().add(config(commitment))).asLong();
    }
}
