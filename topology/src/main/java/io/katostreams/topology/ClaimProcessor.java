package io.katostreams.topology;

import io.katostreams.schemas.ProcessorId;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * The claim sub-topology: the one writer of "which node owns user-chosen session id S". It reads
 * {@code kato.session-claims}, keyed (and so partitioned) by session id, so every claim and release
 * of one id is decided by one task, in the order the node tasks sent them; the store
 * {@code kato-session-claims} (session id → the raw id of the owning node) is changelogged and
 * written in the task's exactly-once transaction together with the answer.
 *
 * <ul>
 *   <li>claim(S, N): S unclaimed → claimed by N, granted; claimed by N (any spelling of the node id) →
 *       granted; claimed by another node → refused, naming the owner. The answer goes to
 *       {@code kato.routing}, keyed by N's canonical id, i.e. to the task that owns N.</li>
 *   <li>release(S, N): S claimed by N → unclaimed (a tombstone on the changelog); otherwise nothing.
 *       Node tasks release an id when its session is deleted or expires.</li>
 * </ul>
 */
final class ClaimProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(ClaimProcessor.class);

    private ProcessorContext<byte[], byte[]> context;
    private KeyValueStore<String, String> claims;

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
        this.claims = context.getStateStore(KatoTopology.CLAIMS_STORE);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Routed.Claim c;
        try {
            c = Routed.decodeClaim(record.value());
        } catch (RuntimeException e) {
            // only the topology writes this topic; a foreign record is skipped, never fatal
            LOG.warn("skipping a record of the claims topic that is not a claim: {}", e.toString());
            return;
        }
        String node = ProcessorId.sanitizeNode(c.nodeId());
        String owner = claims.get(c.sessionId());
        boolean ownedByNode = owner != null && ProcessorId.sanitizeNode(owner).equals(node);
        if (c.release()) {
            if (ownedByNode) claims.delete(c.sessionId());
            return;
        }
        if (owner == null) {
            claims.put(c.sessionId(), c.nodeId());
            owner = c.nodeId();
            ownedByNode = true;
        }
        byte[] answer = Routed.encode(new Routed.ClaimResult(c.sessionId(), c.nodeId(), ownedByNode, owner));
        context.forward(new Record<>(node.getBytes(StandardCharsets.UTF_8), answer, record.timestamp()), "claim-results");
    }
}
