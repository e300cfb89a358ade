package io.katostreams.engine;

/**
 * One rejected input value, in the shape of a REST E2 entry (spec 01 §0.4): a machine code
 * ({@code type}), the path of the value ({@code loc}, e.g. {@code ["body","strings",0]}),
 * a human message naming the rule, and the offending input.
 */
public record ValidationError(String type, java.util.List<Object> loc, String msg, Object input) {

    public ValidationError {
        loc = java.util.List.copyOf(loc);
    }

    /** {@code loc} joined as a readable path, e.g. {@code body.strings[0]}. */
    public String path() {
        StringBuilder b = new StringBuilder();
        for (Object part : loc) {
            if (part instanceof Integer i) {
                b.append('[').append(i).append(']');
            } else {
                if (b.length() > 0) b.append('.');
                b.append(part);
            }
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return path() + ": " + msg;
    }
}
