package io.hubbub.server.protocol.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.ArrayList;
import java.util.List;

/** Conversions between application arguments and packet arrays. */
final class Args {
    private Args() {}

    /** JsonNode as is, byte[] as binary, null as JSON null, anything else through Jackson. */
    static JsonNode toNode(Object value) {
        return switch (value) {
            case null -> JsonNodeFactory.instance.nullNode();
            case JsonNode node -> node;
            case byte[] bytes -> BinaryNode.valueOf(bytes);
            case String s -> JsonNodeFactory.instance.textNode(s);
            default -> SocketIoCodec.JSON.valueToTree(value);
        };
    }

    static ArrayNode eventArray(String event, Object[] args) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode(args.length + 1);
        array.add(event);
        for (Object arg : args) {
            array.add(toNode(arg));
        }
        return array;
    }

    static ArrayNode array(Object[] args) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode(args.length);
        for (Object arg : args) {
            array.add(toNode(arg));
        }
        return array;
    }

    /** Elements from {@code from} on, top-level binary nodes as byte[]. */
    static List<Object> fromArray(ArrayNode array, int from) {
        List<Object> args = new ArrayList<>(Math.max(0, array.size() - from));
        for (int i = from; i < array.size(); i++) {
            JsonNode node = array.get(i);
            args.add(node.isBinary() ? ((BinaryNode) node).binaryValue() : node);
        }
        return args;
    }
}
