package io.katostreams.bridge;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waiting on conditions with a deadline (never a fixed sleep). */
final class Await {
    private Await() {
    }

    static void until(Duration max, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + max.toMillis() + " ms waiting for " + what);
            }
            pause();
        }
    }

    /** Polls {@code probe} until {@code done} accepts its value; returns that value. */
    static <T> T value(Duration max, String what, Supplier<T> probe, java.util.function.Predicate<T> done) {
        long deadline = System.nanoTime() + max.toNanos();
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + max.toMillis() + " ms waiting for " + what
                        + "; last value: " + last);
            }
            pause();
            last = probe.get();
        }
        return last;
    }

    /** The poll interval between two checks of a condition (not a wait for time to pass). */
    private static void pause() {
        LockSupport.parkNanos(20_000_000L);
        if (Thread.interrupted()) {
            throw new AssertionError("interrupted");
        }
    }
}
