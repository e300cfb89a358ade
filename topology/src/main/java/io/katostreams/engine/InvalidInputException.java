package io.katostreams.engine;

import java.util.List;

/** Input that breaks a rule of the spec; carries one {@link ValidationError} per problem. */
public final class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<ValidationError> errors;

    public InvalidInputException(List<ValidationError> errors) {
        super(describe(errors));
        this.errors = List.copyOf(errors);
    }

    public List<ValidationError> errors() {
        return errors;
    }

    private static String describe(List<ValidationError> errors) {
        StringBuilder b = new StringBuilder();
        for (ValidationError e : errors) {
            if (b.length() > 0) b.append("; ");
            b.append(e);
        }
        return b.toString();
    }
}
