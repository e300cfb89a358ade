package io.katostreams.benchmarks;

import io.katostreams.engine.InMemoryKnowledgeBase;
import io.katostreams.engine.Observation;
import io.katostreams.engine.ObservationProcessor;
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

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The observe path (spec 03 §2) with {@code process_predictions} on (the default): one observation
 * of 1–3 symbols is appended to the session's STM and, once the STM holds 2 symbols, the
 * observe-time predictions are computed against a knowledge base of N workload patterns. This is
 * the whole engine step of an observation: session copy, sort of the strings, STM append, the
 * predictions, auto-learn check (off by default) and the save trim.
 *
 * <p>Observations come in episodes of 5 consecutive events cut from learned patterns (200 episodes,
 * rotating); the STM is cleared before each episode, so STMs hold 1–5 events as in a client that
 * clears or learns every few observations.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Threads(1)
public class ObserveBenchmark {

    static final int EPISODES = 200;

    @Param({"1000", "10000", "100000"})
    public int patterns;

    private InMemoryKnowledgeBase kb;
    private ObservationProcessor processor;
    private Observation[] observations;
    private Session session;
    private int next;
    private long timestamp = 1_800_000_000_000L;

    @Setup(Level.Trial)
    public void setUp() {
        List<List<List<String>>> learned = Workload.patterns(patterns);
        kb = Workload.knowledgeBase(learned);
        processor = new ObservationProcessor(new Predictor(), SessionConfig.declaredDefaults());
        List<Observation> all = new ArrayList<>(EPISODES * Workload.EPISODE_EVENTS);
        for (List<List<String>> episode : Workload.episodes(learned, EPISODES)) {
            all.addAll(Workload.observations(episode));
        }
        observations = all.toArray(new Observation[0]);
        session = Workload.newSession("observer");
    }

    @Benchmark
    public ObservationProcessor.ObserveOutcome observe() {
        int i = next;
        next = i + 1 == observations.length ? 0 : i + 1;
        if (i % Workload.EPISODE_EVENTS == 0) session.clearStm();
        ObservationProcessor.ObserveOutcome out = processor.observe(session, observations[i], "obs-1", kb, ++timestamp);
        session = out.session();
        return out;
    }
}
