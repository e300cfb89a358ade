package io.katostreams.benchmarks;

import io.katostreams.engine.CodePointOrder;
import io.katostreams.engine.EffectiveConfig;
import io.katostreams.engine.InMemoryKnowledgeBase;
import io.katostreams.engine.KnowledgeBase;
import io.katostreams.engine.Learner;
import io.katostreams.engine.Observation;
import io.katostreams.engine.Session;
import io.katostreams.engine.SessionConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The deterministic synthetic workload of spec 04 §16: a vocabulary of 1,000 symbols, patterns of
 * 5–10 events of 1–3 distinct symbols (sorted by code point inside an event, as the STM holds them
 * with {@code sort_symbols} on), a fixed seed, and 200 query STMs of 3–5 consecutive events cut from
 * learned patterns.
 *
 * <p>Everything here is a pure function of the constants below: the same call returns the same data
 * on every machine and JDK ({@link SplittableRandom} is specified exactly). {@link #patterns(int)} is
 * prefix-stable: {@code patterns(n)} is the first n elements of {@code patterns(m)} for n &le; m, so
 * a knowledge base of 10,000 patterns holds the 1,000-pattern one as its first learns.
 *
 * <p>Events are immutable lists ({@link List#of}) whose strings are the shared vocabulary strings,
 * so the STM's {@code List.copyOf} costs nothing and the workload adds no per-pattern string copies.
 */
public final class Workload {

    /** Seed of the pattern stream ("KATOSTRM"); queries, episodes and learn streams use derived seeds. */
    public static final long SEED = 0x4B41_544F_5354_524DL;
    public static final int VOCABULARY = 1_000;
    public static final int MIN_EVENTS = 5;
    public static final int MAX_EVENTS = 10;
    public static final int MIN_SYMBOLS_PER_EVENT = 1;
    public static final int MAX_SYMBOLS_PER_EVENT = 3;
    public static final int QUERY_COUNT = 200;
    public static final int MIN_QUERY_EVENTS = 3;
    public static final int MAX_QUERY_EVENTS = 5;
    /** Events per observe episode: the session's STM is cleared before each episode. */
    public static final int EPISODE_EVENTS = 5;

    /** The emotive window length (persistence) of the default session configuration. */
    public static final int PERSISTENCE = EffectiveConfig.DEFAULTS.persistence();

    private static final String[] SYMBOLS = new String[VOCABULARY];

    static {
        for (int i = 0; i < VOCABULARY; i++) SYMBOLS[i] = "s" + i;
    }

    private Workload() {
    }

    /** Symbol {@code i} of the vocabulary: {@code "s0"} … {@code "s999"}. */
    public static String symbol(int i) {
        return SYMBOLS[i];
    }

    /** One random pattern: 5–10 events of 1–3 distinct symbols each, sorted by code point. */
    static List<List<String>> randomPattern(SplittableRandom r) {
        int eventCount = r.nextInt(MIN_EVENTS, MAX_EVENTS + 1);
        List<String>[] events = newEventArray(eventCount);
        for (int e = 0; e < eventCount; e++) {
            int k = r.nextInt(MIN_SYMBOLS_PER_EVENT, MAX_SYMBOLS_PER_EVENT + 1);
            String[] event = new String[k];
            int filled = 0;
            while (filled < k) {
                String s = SYMBOLS[r.nextInt(VOCABULARY)];
                boolean dup = false;
                for (int i = 0; i < filled; i++) dup |= event[i].equals(s);
                if (!dup) event[filled++] = s;
            }
            Arrays.sort(event, CodePointOrder.INSTANCE);
            events[e] = List.of(event);
        }
        return List.of(events);
    }

    /**
     * The first {@code n} distinct patterns of the seeded stream (a repeat of an earlier pattern,
     * very rare with this vocabulary, is skipped so that learning them stores exactly n patterns).
     */
    public static List<List<List<String>>> patterns(int n) {
        SplittableRandom r = new SplittableRandom(SEED);
        List<List<List<String>>> out = new ArrayList<>(n);
        Set<List<List<String>>> seen = new HashSet<>(n * 2);
        while (out.size() < n) {
            List<List<String>> p = randomPattern(r);
            if (seen.add(p)) out.add(p);
        }
        return out;
    }

    /**
     * The 200 query STMs for a knowledge base holding {@code learned}: each is 3–5 consecutive
     * events cut from a uniformly chosen learned pattern at a uniformly chosen offset.
     */
    public static List<List<List<String>>> queries(List<List<List<String>>> learned) {
        return cuts(learned, QUERY_COUNT, MIN_QUERY_EVENTS, MAX_QUERY_EVENTS, SEED + 1);
    }

    /**
     * Observe-path episodes: {@code count} runs of {@value #EPISODE_EVENTS} consecutive events cut
     * from learned patterns (every pattern has at least 5 events).
     */
    public static List<List<List<String>>> episodes(List<List<List<String>>> learned, int count) {
        return cuts(learned, count, EPISODE_EVENTS, EPISODE_EVENTS, SEED + 2);
    }

    private static List<List<List<String>>> cuts(List<List<List<String>>> learned, int count, int minEvents,
                                                 int maxEvents, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<List<List<String>>> out = new ArrayList<>(count);
        for (int q = 0; q < count; q++) {
            List<List<String>> p = learned.get(r.nextInt(learned.size()));
            int k = Math.min(p.size(), r.nextInt(minEvents, maxEvents + 1));
            int from = r.nextInt(p.size() - k + 1);
            out.add(List.copyOf(p.subList(from, from + k)));
        }
        return out;
    }

    /**
     * A learn stream of {@code count} learns following the {@code initial} patterns already learned:
     * each learn is, with probability {@code relearnPercent}/100, a re-learn of a uniformly chosen
     * pattern learned before (initial or earlier in the stream), else the next new pattern of the
     * seeded stream (so {@code patterns(initial + new)} are all the patterns ever stored).
     */
    public static List<List<List<String>>> learnStream(int initial, int count, int relearnPercent) {
        SplittableRandom choice = new SplittableRandom(SEED + 3);
        // New patterns needed: at most count; generate exactly as many as the choices ask for.
        boolean[] relearn = new boolean[count];
        int fresh = 0;
        for (int i = 0; i < count; i++) {
            relearn[i] = (initial + fresh) > 0 && choice.nextInt(100) < relearnPercent;
            if (!relearn[i]) fresh++;
        }
        List<List<List<String>>> all = patterns(initial + fresh);
        List<List<List<String>>> out = new ArrayList<>(count);
        int next = initial;
        for (int i = 0; i < count; i++) {
            out.add(relearn[i] ? all.get(choice.nextInt(next)) : all.get(next++));
        }
        return out;
    }

    /** A new session with the default configuration (the service defaults of spec 02 §4). */
    public static Session newSession(String id) {
        return Session.create(id, "bench-node", Map.of(), 3600, SessionConfig.EMPTY, 0L);
    }

    /**
     * Learns one pattern the way a client does: its events into the session's STM, then the learn
     * of spec 03 §12 (which empties the STM).
     */
    public static Learner.Outcome learn(Session s, KnowledgeBase kb, List<List<String>> events, long timestamp) {
        for (List<String> e : events) s.stm().append(e);
        return Learner.learn(s, kb, PERSISTENCE, timestamp);
    }

    /** A fresh in-memory knowledge base with every one of {@code patterns} learned once, in order. */
    public static InMemoryKnowledgeBase knowledgeBase(List<List<List<String>>> patterns) {
        InMemoryKnowledgeBase kb = new InMemoryKnowledgeBase();
        Session s = newSession("bench-builder");
        long ts = 1_700_000_000_000L;
        for (List<List<String>> p : patterns) learn(s, kb, p, ts++);
        return kb;
    }

    /** A fresh in-memory knowledge base with {@code patterns(n)} learned. */
    public static InMemoryKnowledgeBase knowledgeBase(int n) {
        return knowledgeBase(patterns(n));
    }

    /** The observations (one per event) of an event list, strings as the client sends them. */
    public static List<Observation> observations(List<List<String>> events) {
        List<Observation> out = new ArrayList<>(events.size());
        for (List<String> e : events) out.add(Observation.ofStrings(e.toArray(new String[0])));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static List<String>[] newEventArray(int n) {
        return (List<String>[]) new List<?>[n];
    }
}
