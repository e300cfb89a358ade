package io.katostreams.topology;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The values of the topology's two routing topics (written and read only by the topology):
 * <ul>
 *   <li>{@code kato.routing} (key = canonical node id, placed by {@link NodePlacement}): an input record
 *       moved to the task that owns its node ({@link Input}, the original record with its origin), and
 *       the answer to a session claim ({@link ClaimResult});</li>
 *   <li>{@code kato.session-claims} (key = session id): a claim of a user-chosen session id by a node,
 *       or its release ({@link Claim}).</li>
 * </ul>
 * Encoding: the magic bytes {@code 'K' 1}, a kind byte, then the fields in {@link DataOutputStream}
 * form. Byte-identical for equal content (records replayed after a crash are equal).
 */
final class Routed {
    private Routed() {
    }

    static final byte MAGIC = 'K';
    static final byte VERSION = 1;
    static final byte COMMAND = 1, OBSERVATION = 2, CLAIM = 3, RELEASE = 4, CLAIM_RESULT = 5;

    /**
     * One input record of kato.commands or kato.observations, as it arrived (key and value bytes
     * unchanged), with where and when it arrived: a moved or queued record is processed as if it were
     * the original (observation ids derive from its origin, a dead letter names the origin).
     *
     * @param audit the command arrived without the kato-origin header (published straight to Kafka)
     *              and is audited where it is processed, at its node's owner. Carried along because
     *              record headers do not survive a move or the claim queue. Encoded as a trailing
     *              byte; a record written before the field existed decodes as {@code false}.
     */
    record Input(byte kind, String topic, int partition, long offset, long timestamp, byte[] key, byte[] value,
                 boolean audit) {
        boolean isCommand() {
            return kind == COMMAND;
        }

        /** The seed of the observation ids derived from this record. */
        String recordId() {
            return topic + "-" + partition + "-" + offset;
        }
    }

    /** A claim ({@code release} false) or release of {@code sessionId} by node {@code nodeId} (its raw spelling). */
    record Claim(boolean release, String sessionId, String nodeId) {
    }

    /** The claim store's answer: {@code owner} is the node that holds the id (the asker when granted). */
    record ClaimResult(String sessionId, String nodeId, boolean granted, String owner) {
    }

    static byte kind(byte[] v) {
        if (v == null || v.length < 3 || v[0] != MAGIC || v[1] != VERSION) {
            throw new IllegalArgumentException("value: not a KATO routing record (magic 'K' 1 expected)");
        }
        return v[2];
    }

    static byte[] encode(Input in) {
        return write(in.kind(), out -> {
            str(out, in.topic());
            out.writeInt(in.partition());
            out.writeLong(in.offset());
            out.writeLong(in.timestamp());
            bytes(out, in.key());
            bytes(out, in.value());
            out.writeBoolean(in.audit());
        });
    }

    static Input decodeInput(byte[] v) {
        byte kind = kind(v);
        return read(v, in -> new Input(kind, str(in), in.readInt(), in.readLong(), in.readLong(), bytes(in), bytes(in),
                in.available() > 0 && in.readBoolean()));
    }

    static byte[] encode(Claim c) {
        return write(c.release() ? RELEASE : CLAIM, out -> {
            str(out, c.sessionId());
            str(out, c.nodeId());
        });
    }

    static Claim decodeClaim(byte[] v) {
        boolean release = kind(v) == RELEASE;
        return read(v, in -> new Claim(release, str(in), str(in)));
    }

    static byte[] encode(ClaimResult r) {
        return write(CLAIM_RESULT, out -> {
            str(out, r.sessionId());
            str(out, r.nodeId());
            out.writeBoolean(r.granted());
            str(out, r.owner());
        });
    }

    static ClaimResult decodeClaimResult(byte[] v) {
        kind(v);
        return read(v, in -> new ClaimResult(str(in), str(in), in.readBoolean(), str(in)));
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    private static byte[] write(byte kind, Writer w) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
            out.writeByte(MAGIC);
            out.writeByte(VERSION);
            out.writeByte(kind);
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    private static <T> T read(byte[] v, Reader<T> r) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(v, 3, v.length - 3))) {
            return r.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("value: truncated KATO routing record", e);
        }
    }

    private static void bytes(DataOutputStream out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(b.length);
            out.write(b);
        }
    }

    private static byte[] bytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        if (n > in.available()) throw new IOException("length " + n + " past the end");
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        bytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static String str(DataInputStream in) throws IOException {
        byte[] b = bytes(in);
        if (b == null) throw new IOException("missing string");
        return new String(b, StandardCharsets.UTF_8);
    }

    static String utf8(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }
}
