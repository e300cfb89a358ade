package io.katostreams.schemas.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One entry of an E2 validation error (spec 01 §0.4): {@code type}, {@code loc}, {@code msg},
 * {@code input} and the optional {@code ctx}.
 *
 * @param type  machine code, e.g. {@code string_type}, {@code float_parsing}, {@code finite_number}
 * @param loc   location: first {@code "body"} (or {@code "query"}/{@code "path"}), then member names
 *              (String) and array indexes (Integer)
 * @param msg   human text in pydantic's wording
 * @param input the offending JSON value; {@code null} means "absent" and is written as JSON null
 * @param ctx   extra context (e.g. {@code {"error": "Expecting value"}} for json_invalid), or null
 */
public record ValidationError(String type, List<Object> loc, String msg, JsonNode input, ObjectNode ctx) {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public ValidationError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(msg, "msg");
        loc = List.copyOf(loc);
        for (Object part : loc) {
            if (!(part instanceof String) && !(part instanceof Integer)) {
                throw new IllegalArgumentException("loc parts are String or Integer: " + part);
            }
        }
    }

    public ValidationError(String type, List<Object> loc, String msg, JsonNode input) {
        this(type, loc, msg, input, null);
    }

    /** The E2 entry as JSON. */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode node = f.objectNode();
        node.put("type", type);
        ArrayNode l = node.putArray("loc");
        for (Object part : loc) {
            if (part instanceof Integer i) {
                l.add(i);
            } else {
                l.add((String) part);
            }
        }
        node.put("msg", msg);
        node.set("input", input == null ? f.nullNode() : input);
        if (ctx != null) {
            node.set("ctx", ctx);
        }
        return node;
    }

    /**
     * The field path without the leading {@code body}: {@code strings[0]}, {@code emotives.joy},
     * {@code emotives["a b"]}; {@code body} when the error is about the whole value.
     */
    public String path() {
        if ("json_invalid".equals(type)) {
            return "body"; // its second loc part is a character position, not a field
        }
        StringBuilder sb = new StringBuilder();
        int start = !loc.isEmpty() && "body".equals(loc.get(0)) ? 1 : 0;
        for (int i = start; i < loc.size(); i++) {
            Object part = loc.get(i);
            if (part instanceof Integer idx) {
                sb.append('[').append(idx).append(']');
            } else if (IDENTIFIER.matcher((String) part).matches()) {
                if (sb.length() > 0) {
                    sb.append('.');
                }
                sb.append(part);
            } else {
                sb.append("[\"").append(((String) part).replace("\\", "\\\\").replace("\"", "\\\"")).append("\"]");
            }
        }
        return sb.length() == 0 ? (loc.isEmpty() ? "body" : String.valueOf(loc.get(0))) : sb.toString();
    }

    /** {@code path(): msg}, e.g. {@code strings[0]: Input should be a valid string}. */
    public String describe() {
        String text = path() + ": " + msg;
        if (ctx != null && ctx.hasNonNull("error")) {
            text += " (" + ctx.get("error").asText() + ")";
        }
        return text;
    }

    @Override
    public String toString() {
        return describe() + " [" + type + "]";
    }
}
