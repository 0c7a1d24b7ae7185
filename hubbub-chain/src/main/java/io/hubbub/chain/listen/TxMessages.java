package io.hubbub.chain.listen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.chain.rpc.ChainTx;
import io.hubbub.core.protocol.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a processed transaction to the seed's typed messages (pure: wallet owners are passed in).
 * <ul>
 *   <li>{@code TransactionUpdate {transaction_id, status, slot, transfers, logs_truncated, instructions}} to the transactions
 *   topic, and with {@code user_id} to every user owning an involved wallet;</li>
 *   <li>{@code Notification {user_id, title, message, notification_type:"transfer"}} to the receiver of a transfer;</li>
 *   <li>program logs {@code Program log: <Type> <json object>} of a watched program, for each type in
 *   {@code logTopics}, to its topic ({@code {field}} in the topic replaced by the message's field).</li>
 * </ul>
 */
public final class TxMessages {
    private static final Pattern LOG = Pattern.compile("^Program log: ([A-Za-z][A-Za-z0-9_]{0,63}) (\\{.*})$");
    private static final Pattern FIELD = Pattern.compile("\\{([a-z_][a-z0-9_]{0,63})}");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

    private final String transactionsTopic;
    private final Map<String, String> logTopics;
    private final Set<String> programs;

    public TxMessages(String transactionsTopic, Map<String, String> logTopics, List<String> programs) {
        this.transactionsTopic = transactionsTopic;
        this.logTopics = Map.copyOf(logTopics);
        this.programs = Set.copyOf(programs);
    }

    /** The messages of {@code tx} at {@code status}; {@code owners}: involved address -> user. */
    public List<Delivery> of(ChainTx tx, String status, Map<String, String> owners) {
        List<Delivery> out = new ArrayList<>();
        if (!transactionsTopic.isEmpty() || !owners.isEmpty()) { // else nobody gets a TransactionUpdate: not built
            ObjectNode update = update(tx, status);
            if (!transactionsTopic.isEmpty()) out.add(new Delivery.ToTopic(transactionsTopic, "TransactionUpdate", update));
            owners.values().stream().distinct().sorted().forEach(user ->
                    out.add(new Delivery.ToUser(user, "TransactionUpdate", update.deepCopy().put("user_id", user))));
        }
        if (!tx.failed()) {
            for (ChainTx.Transfer t : tx.transfers()) {
                String user = owners.get(t.to());
                if (user == null) continue;
                String asset = t.mint() == null ? "lamports" : "of " + t.mint();
                out.add(new Delivery.ToUser(user, "Notification", Json.object().put("user_id", user).put("title", "Payment received")
                        .put("message", t.amount() + " " + asset + (t.from() == null ? "" : " from " + t.from()))
                        .put("notification_type", "transfer")));
            }
            if (tx.accounts().stream().anyMatch(programs::contains)) out.addAll(fromLogs(tx.logs()));
        }
        return out;
    }

    private static ObjectNode update(ChainTx tx, String status) {
        ObjectNode update = Json.object().put("transaction_id", tx.signature()).put("status", status).put("slot", tx.slot());
        var transfers = update.putArray("transfers");
        for (ChainTx.Transfer t : tx.transfers())
            transfers.addObject().put("mint", t.mint()).put("from", t.from()).put("to", t.to()).put("amount", t.amount().toString());
        update.put("logs_truncated", tx.logsTruncated());
        var ixs = update.putArray("instructions");
        for (var d : tx.instructions()) {
            var o = ixs.addObject().put("program", d.program()).put("type", d.type()).put("source", d.source())
                    .put("destination", d.destination()).put("authority", d.authority()).put("amount", d.amount().toString()).put("inner", d.inner());
            if (d.mint() != null) o.put("mint", d.mint()).put("decimals", d.decimals());
        }
        return update;
    }

    /** A notified signature that never reached the commitment (a fork): reported, never counted. */
    public List<Delivery> dropped(String signature, long slot) {
        if (transactionsTopic.isEmpty()) return List.of();
        return List.of(new Delivery.ToTopic(transactionsTopic, "TransactionUpdate",
                Json.object().put("transaction_id", signature).put("status", "dropped").put("slot", slot)));
    }

    /** The messages of one log line (tests). */
    public List<Delivery> fromLogsForTest(String line) {
        return fromLogs(List.of(line));
    }

    List<Delivery> fromLogs(List<String> logs) {
        List<Delivery> out = new ArrayList<>();
        for (String line : logs) {
            Matcher m = LOG.matcher(line);
            if (!m.matches() || !logTopics.containsKey(m.group(1))) continue;
            JsonNode data;
            try {
                data = Json.parseObject(m.group(2));
            } catch (RuntimeException e) {
                continue; // not a JSON object: not one of ours
            }
            String topic = topic(logTopics.get(m.group(1)), data);
            if (topic != null) out.add(new Delivery.ToTopic(topic, m.group(1), (ObjectNode) data));
        }
        return out;
    }

    /** The topic template with {@code {field}}s filled in; null when a field is missing or the result is not a valid topic. */
    static String topic(String template, JsonNode data) {
        Matcher m = FIELD.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            JsonNode v = data.get(m.group(1));
            if (v == null || !v.isValueNode()) return null;
            m.appendReplacement(sb, Matcher.quoteReplacement(v.asText()));
        }
        m.appendTail(sb);
        return TOPIC.matcher(sb).matches() ? sb.toString() : null;
    }
}
