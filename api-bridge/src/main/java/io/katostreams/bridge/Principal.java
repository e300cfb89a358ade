package io.katostreams.bridge;

import io.katostreams.schemas.ProcessorId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Who sent a request: a credential's id (never the credential itself), its role and the nodes it
 * may touch. With {@code KATO_AUTH=none} every request is {@link #ANONYMOUS}: an admin of all nodes.
 */
record Principal(String id, Role role, Scopes nodes) {

    static final Principal ANONYMOUS = new Principal("anonymous", Role.ADMIN, Scopes.parse(List.of("*")));

    /** Roles, weakest first: each one may do everything the weaker ones may. */
    enum Role {
        READER, WRITER, ADMIN;

        boolean atLeast(Role other) {
            return compareTo(other) >= 0;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** admin, writer or reader (any case); anything else throws naming {@code field}. */
        static Role parse(String text, String field) {
            if (text != null) {
                for (Role r : values()) {
                    if (r.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                        return r;
                    }
                }
            }
            throw new IllegalArgumentException(field + ": expected admin, writer or reader, got "
                    + (text == null ? "nothing" : "'" + text + "'"));
        }
    }

    /**
     * Node scopes: exact canonical node ids, or globs where {@code *} matches any run of characters and
     * {@code ?} one character ({@code team-a-*} is a prefix, {@code *} every node). A node is matched in
     * its canonical form ({@link ProcessorId#sanitizeNode}), so {@code a.b} and {@code a_b}, which share
     * their knowledge, also share their scope.
     */
    record Scopes(List<String> patterns, List<Pattern> compiled) {

        static Scopes parse(List<String> patterns) {
            List<Pattern> compiled = new ArrayList<>();
            for (String p : patterns) {
                String s = p.trim();
                if (s.isEmpty()) {
                    throw new IllegalArgumentException("an empty node scope");
                }
                StringBuilder re = new StringBuilder();
                StringBuilder literal = new StringBuilder();
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c == '*' || c == '?') {
                        if (literal.length() > 0) {
                            re.append(Pattern.quote(ProcessorId.sanitizeNode(literal.toString())));
                            literal.setLength(0);
                        }
                        re.append(c == '*' ? ".*" : ".");
                    } else {
                        literal.append(c);
                    }
                }
                if (literal.length() > 0) {
                    re.append(Pattern.quote(ProcessorId.sanitizeNode(literal.toString())));
                }
                compiled.add(Pattern.compile(re.toString(), Pattern.DOTALL));
            }
            return new Scopes(List.copyOf(patterns), List.copyOf(compiled));
        }

        boolean allows(String nodeId) {
            if (nodeId == null) {
                return false;
            }
            String canonical = ProcessorId.sanitizeNode(nodeId);
            for (Pattern p : compiled) {
                if (p.matcher(canonical).matches()) {
                    return true;
                }
            }
            return false;
        }
    }
}
