package io.katostreams.benchmarks;

import io.katostreams.engine.InMemoryKnowledgeBase;
import io.katostreams.engine.Observation;
import io.katostreams.engine.ObservationProcessor;
import io.katostreams.engine.PredictionResult;
import io.katostreams.engine.Predictor;
import io.katostreams.engine.Session;
import io.katostreams.engine.SessionConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * What the benchmarks compute, as numbers to set beside the reference's (spec 04 §16 reports a mean
 * of 25.8 GET predictions and 99.7 observe-time predictions at 10,000 patterns): for each size, the
 * mean number of predictions and future potentials per GET query and per observe-time prediction,
 * with the same queries and episodes as {@link PredictBenchmark} and {@link ObserveBenchmark}.
 *
 * <pre>java -cp benchmarks/target/kato-benchmarks.jar io.katostreams.benchmarks.WorkloadStats [sizes...]</pre>
 */
public final class WorkloadStats {

    private WorkloadStats() {
    }

    public static void main(String[] args) {
        List<Integer> sizes = new ArrayList<>();
        for (String a : args) sizes.add(Integer.parseInt(a.replace("_", "").replace(",", "")));
        if (sizes.isEmpty()) sizes = List.of(1_000, 10_000, 100_000);

        System.out.println("WorkloadStats: what one request returns (default session configuration)");
        System.out.printf("%-9s %8s %9s | %10s %10s %9s | %10s %10s %9s%n", "patterns", "symbols", "build s",
                "GET preds", "GET futs", "GET empty", "OBS preds", "OBS futs", "OBS calls");
        ObservationProcessor processor = new ObservationProcessor(new Predictor(), SessionConfig.declaredDefaults());
        for (int n : sizes) {
            List<List<List<String>>> learned = Workload.patterns(n);
            long t0 = System.nanoTime();
            InMemoryKnowledgeBase kb = Workload.knowledgeBase(learned);
            double buildSeconds = (System.nanoTime() - t0) / 1e9;

            long getPreds = 0, getFutures = 0, getEmpty = 0;
            List<List<List<String>>> queries = Workload.queries(learned);
            for (List<List<String>> q : queries) {
                Session s = Workload.newSession("q");
                for (List<String> e : q) s.stm().append(e);
                PredictionResult r = processor.predict(s, kb);
                getPreds += r.predictions().size();
                getFutures += r.futurePotentials().size();
                if (r.predictions().isEmpty()) getEmpty++;
            }

            long obsPreds = 0, obsFutures = 0, obsCalls = 0;
            Session s = Workload.newSession("o");
            long ts = 1L;
            for (List<List<String>> episode : Workload.episodes(learned, ObserveBenchmark.EPISODES)) {
                s.clearStm();
                for (Observation o : Workload.observations(episode)) {
                    ObservationProcessor.ObserveOutcome out = processor.observe(s, o, "obs-1", kb, ts++);
                    s = out.session();
                    PredictionResult r = out.step().predictions();
                    if (r == null) continue;
                    obsCalls++;
                    obsPreds += r.predictions().size();
                    obsFutures += r.futurePotentials().size();
                }
            }
            System.out.printf("%-9d %8d %9.2f | %10.1f %10.1f %9d | %10.1f %10.1f %9d%n", n,
                    kb.index().learnedSymbolCount(), buildSeconds,
                    (double) getPreds / queries.size(), (double) getFutures / queries.size(), getEmpty,
                    obsCalls == 0 ? 0.0 : (double) obsPreds / obsCalls,
                    obsCalls == 0 ? 0.0 : (double) obsFutures / obsCalls, obsCalls);
        }
        System.out.println("  GET: 200 query STMs of 3-5 events; OBS: 200 episodes of 5 observations, STM cleared "
                + "before each (predictions are computed once the STM holds 2 symbols)");
    }
}
