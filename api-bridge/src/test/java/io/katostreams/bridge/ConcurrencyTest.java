package io.katostreams.bridge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many clients at once: 50 clients each on its own session, and at the same time 10 clients sharing
 * one session. No live session is ever answered 404, no observation is lost, and every STM holds
 * exactly what was observed, each client's observations in the order that client sent them.
 */
class ConcurrencyTest {

    private static final int OWN_SESSIONS = 50;
    private static final int SHARED_CLIENTS = 10;
    private static final int OBSERVATIONS = 20;

    @Test
    void manyClientsManySessionsAndOneSharedSession() throws Exception {
        KatoStack stack = KatoStack.shared();
        Api api = stack.api;
        // 50 sessions over 10 nodes (sessions of one node run in one partition task, in parallel
        // with the others), plus one session shared by 10 clients
        List<String> own = new ArrayList<>();
        for (int i = 0; i < OWN_SESSIONS; i++) {
            own.add(api.createSession("conc-node-" + (i % 10)));
        }
        String shared = api.createSession("conc-shared");

        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(OWN_SESSIONS + SHARED_CLIENTS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        try {
            for (int c = 0; c < OWN_SESSIONS; c++) {
                String session = own.get(c);
                int client = c;
                done.add(pool.submit(() -> {
                    await(go);
                    for (int k = 0; k < OBSERVATIONS; k++) {
                        Api.Res r = api.observe(session, "own" + client + "-" + k);
                        if (r.status() != 200) {
                            failures.add("own client " + client + " obs " + k + ": " + r);
                        } else if (r.json().get("time").asInt() != k + 1) {
                            failures.add("own client " + client + " obs " + k + " time " + r.json().get("time"));
                        }
                    }
                }));
            }
            for (int c = 0; c < SHARED_CLIENTS; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    await(go);
                    for (int k = 0; k < OBSERVATIONS; k++) {
                        Api.Res r = api.observe(shared, "shared" + client + "-" + k);
                        if (r.status() != 200) {
                            failures.add("shared client " + client + " obs " + k + ": " + r);
                        }
                    }
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(failures.isEmpty(), failures.size() + " failures, e.g. " + failures.stream().limit(5).toList());

        for (int c = 0; c < OWN_SESSIONS; c++) {
            List<List<String>> expected = new ArrayList<>();
            for (int k = 0; k < OBSERVATIONS; k++) {
                expected.add(List.of("own" + c + "-" + k));
            }
            assertEquals(expected, api.stm(own.get(c)), "STM of client " + c);
        }

        List<List<String>> stm = api.stm(shared);
        assertEquals(SHARED_CLIENTS * OBSERVATIONS, stm.size(), "every observation of the shared session is kept");
        Map<Integer, List<Integer>> perClient = new HashMap<>();
        for (List<String> event : stm) {
            assertEquals(1, event.size());
            String[] parts = event.get(0).substring("shared".length()).split("-");
            perClient.computeIfAbsent(Integer.parseInt(parts[0]), x -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
        }
        for (int c = 0; c < SHARED_CLIENTS; c++) {
            List<Integer> inOrder = new ArrayList<>();
            for (int k = 0; k < OBSERVATIONS; k++) {
                inOrder.add(k);
            }
            assertEquals(inOrder, perClient.get(c), "client " + c + "'s observations, in its order");
        }
        assertTrue(api.serverErrors.isEmpty(), "E4 responses: " + api.serverErrors);
    }

    private static void await(CountDownLatch go) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
