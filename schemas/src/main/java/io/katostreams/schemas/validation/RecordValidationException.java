package io.katostreams.schemas.validation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Input that breaks the request rules of spec 01 §0.3 / spec 03 §1. The message lists every
 * problem as {@code <path>: <rule>} (e.g. {@code strings[0]: Input should be a valid string}),
 * ready to be a dead-letter reason; {@link #errors()} carries the E2 entries so the REST bridge
 * answers 422 with {@link #toDetailBody()}.
 */
public class RecordValidationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<ValidationError> errors;

    /** @param errors at least one entry, in the order pydantic would report them */
    public RecordValidationException(List<ValidationError> errors) {
        super(message(errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a validation exception needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    public RecordValidationException(ValidationError error) {
        this(List.of(error));
    }

    public List<ValidationError> errors() {
        return errors;
    }

    /** The E2 response body: {@code {"detail": [entry, ...]}}. */
    public ObjectNode toDetailBody() {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode detail = body.putArray("detail");
        errors.forEach(e -> detail.add(e.toJson()));
        return body;
    }

    private static String message(List<ValidationError> errors) {
        return errors.stream().map(ValidationError::describe).collect(Collectors.joining("; "));
    }
}
