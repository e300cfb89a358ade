package io.katostreams.schemas;

import java.nio.charset.StandardCharsets;

/**
 * The record header by which KATO's own producers mark the commands they publish on kato.commands:
 * the REST bridge ({@code bridge/<bridge id>}) and the ops CLI ({@code cli}). Both write their own
 * audit record for what they publish (docs/security.md, "Audit trail"), so the topology audits only
 * the commands that arrive <b>without</b> this header — those published straight to Kafka.
 *
 * <p>This is a de-duplication marker, not a credential: any producer can set it. Who may write
 * kato.commands at all is decided by the broker's ACLs (docs/production.md, "Secured backends").
 */
public final class OriginHeader {
    private OriginHeader() {}

    public static final String NAME = "kato-origin";
    /** The value the ops CLI sets. */
    public static final String CLI = "cli";

    /** The value the REST bridge with the given id sets. */
    public static byte[] bridge(String bridgeId) {
        return ("bridge/" + bridgeId).getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] cli() {
        return CLI.getBytes(StandardCharsets.UTF_8);
    }
}
