package io.katostreams.benchmarks;

import io.katostreams.engine.InMemoryKnowledgeBase;
import io.katostreams.engine.ObservationProcessor;
import io.katostreams.engine.PredictionResult;
import io.katostreams.engine.Predictor;
import io.katostreams.engine.Session;
import io.katostreams.engine.SessionConfig;

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
 * The GET-predictions path (spec 04 §1.1): predictions for a session's STM against a knowledge base
 * of N workload patterns, default session configuration (recall_threshold 0.1, max_predictions 100,
 * token matching, reference candidate filter, all patterns considered). Each call takes the next of
 * the 200 query sessions (3–5 events cut from learned patterns), rotating. Single thread.
 *
 * <p>SampleTime gives the latency distribution (p0.50, p0.99 …). For requests/s add
 * {@code -bm thrpt -tu s} on the command line.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
public class PredictBenchmark {

    @Param({"1000", "10000", "100000"})
    public int patterns;

    private InMemoryKnowledgeBase kb;
    private ObservationProcessor processor;
    private Session[] sessions;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        List<List<List<String>>> learned = Workload.patterns(patterns);
        kb = Workload.knowledgeBase(learned);
        processor = new ObservationProcessor(new Predictor(), SessionConfig.declaredDefaults());
        List<List<List<String>>> queries = Workload.queries(learned);
        sessions = new Session[queries.size()];
        for (int q = 0; q < sessions.length; q++) {
            sessions[q] = Workload.newSession("query-" + q);
            for (List<String> e : queries.get(q)) sessions[q].stm().append(e);
        }
    }

    @Benchmark
    public PredictionResult predict() {
        Session s = sessions[next];
        next = next + 1 == sessions.length ? 0 : next + 1;
        return processor.predict(s, kb);
    }
}
