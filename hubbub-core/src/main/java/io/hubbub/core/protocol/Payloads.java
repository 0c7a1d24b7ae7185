package io.hubbub.core.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.hibernate.validator.messageinterpolation.ParameterMessageInterpolator;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The one declared place where typed payloads are bound and validated: a record (or class) with
 * Jakarta Bean Validation constraints on its components, read from a JSON payload with Jackson.
 * Every failure is the same documented {@code bad_request}: the message names each bad field
 * ({@code "field 'text' size must be between 1 and 4000"}), sorted by field, and the details carry
 * {@code {"fields": {"text": "size must be between 1 and 4000"}}}.
 *
 * <p>Binding is strict: unknown fields, wrong JSON types and numbers out of range are refused.
 * Thread-safe; the validator is built once.
 */
public final class Payloads {
    private static final ObjectMapper STRICT = strict();
    private static final Validator VALIDATOR = Validation.byDefaultProvider().configure()
            .messageInterpolator(new ParameterMessageInterpolator())
            .buildValidatorFactory().getValidator();

    private Payloads() {}

    /** No silent coercions: "5" is not a number, 5 is not a string, 1.5 is not an int. */
    private static ObjectMapper strict() {
        ObjectMapper m = Json.MAPPER.copy()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
        for (CoercionInputShape shape : new CoercionInputShape[] {CoercionInputShape.Integer, CoercionInputShape.Float, CoercionInputShape.Boolean})
            m.coercionConfigFor(LogicalType.Textual).setCoercion(shape, CoercionAction.Fail);
        return m;
    }

    /** Binds {@code payload} to {@code type} and validates it; {@code bad_request} naming the fields otherwise. */
    public static <T> T bind(JsonNode payload, Class<T> type) {
        if (payload == null || !payload.isObject()) throw HubbubException.badRequest("the payload must be a JSON object");
        T value;
        try {
            value = STRICT.treeToValue(payload, type);
        } catch (UnrecognizedPropertyException e) {
            throw fieldError(path(e), "is not a known field");
        } catch (InvalidFormatException e) {
            Class<?> t = e.getTargetType();
            throw fieldError(path(e), t != null && t.isEnum() ? "must be one of " + java.util.Arrays.toString(t.getEnumConstants())
                    : "has the wrong type");
        } catch (MismatchedInputException e) {
            throw fieldError(path(e), "has the wrong type");
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw HubbubException.badRequest("malformed payload");
        }
        validate(value);
        return value;
    }

    /** Validates an already built value (e.g. a record made by server code); {@code bad_request} if invalid. */
    public static <T> T validate(T value) {
        Set<ConstraintViolation<T>> violations = VALIDATOR.validate(value);
        if (violations.isEmpty()) return value;
        List<ConstraintViolation<T>> sorted = violations.stream()
                .sorted(Comparator.comparing((ConstraintViolation<T> v) -> v.getPropertyPath().toString())
                        .thenComparing(ConstraintViolation::getMessage))
                .toList();
        ObjectNode fields = Json.object();
        for (ConstraintViolation<T> v : sorted) fields.putIfAbsent(v.getPropertyPath().toString(), Json.NODES.textNode(v.getMessage()));
        String message = sorted.stream().map(v -> "field '" + v.getPropertyPath() + "' " + v.getMessage())
                .distinct().collect(Collectors.joining("; "));
        ObjectNode details = Json.object();
        details.set("fields", fields);
        return thrown(new HubbubException(ErrorCode.BAD_REQUEST, message, details));
    }

    private static HubbubException fieldError(String field, String what) {
        ObjectNode details = Json.object();
        details.putObject("fields").put(field, what);
        return new HubbubException(ErrorCode.BAD_REQUEST, "field '" + field + "' " + what, details);
    }

    private static String path(MismatchedInputException e) {
        String p = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining(".")).replace(".[", "[");
        return p.isEmpty() ? "(payload)" : p;
    }

    private static <T> T thrown(HubbubException e) {
        throw e;
    }
}
