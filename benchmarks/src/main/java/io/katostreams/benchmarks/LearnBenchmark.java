package io.katostreams.benchmarks;

import io.katostreams.engine.InMemoryKnowledgeBase;
import io.katostreams.engine.Learner;
import io.katostreams.engine.Session;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Learn throughput (spec 03 §12): the events of a workload pattern are put in a session's STM and
 * learned into an in-memory knowledge base that already holds N patterns and keeps growing during the
 * iteration (it is rebuilt before each iteration). The learn stream mixes new patterns and re-learns
 * of earlier ones ({@code relearnPercent}, chosen uniformly among the patterns stored so far), so a
 * learn is a pattern creation or a frequency update as in the workload.
 *
 * <p>One op = one learn: the score is learns/s. Included per op: STM append of 5–10 events, the
 * pattern name (Python repr + SHA-1), the upsert, symbol statistics, totals and the
 * {@code LearnApplied} record the topology publishes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
public class LearnBenchmark {

    /**
     * Learns prepared per trial. An iteration that learns more than this wraps around to the start of
     * the stream, whose patterns are then all re-learns; the pool is sized so that this does not
     * happen at a few hundred thousand learns/s (check {@code wraps} in the output of a run).
     */
    static final int STREAM = 1 << 20;

    @Param({"1000", "10000", "100000"})
    public int patterns;

    @Param({"0", "20"})
    public int relearnPercent;

    private List<List<List<String>>> initial;
    private List<List<String>>[] stream;
    private InMemoryKnowledgeBase kb;
    private Session session;
    private int next;
    private long timestamp;
    private int wraps;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUpTrial() {
        initial = Workload.patterns(patterns);
        stream = (List<List<String>>[]) Workload.learnStream(patterns, STREAM, relearnPercent).toArray(new List<?>[0]);
        session = Workload.newSession("learner");
    }

    @Setup(Level.Iteration)
    public void setUpIteration() {
        kb = null; // let the previous iteration's base go before the next is built
        kb = Workload.knowledgeBase(initial);
        next = 0;
        timestamp = 1_900_000_000_000L;
    }

    @org.openjdk.jmh.annotations.TearDown(Level.Iteration)
    public void tearDownIteration() {
        if (wraps > 0) {
            System.out.println("(learn stream wrapped " + wraps + " time(s): later learns were re-learns)");
            wraps = 0;
        }
    }

    @Benchmark
    public Learner.Outcome learn() {
        List<List<String>> p = stream[next];
        if (++next == stream.length) {
            next = 0;
            wraps++;
        }
        return Workload.learn(session, kb, p, ++timestamp);
    }
}
