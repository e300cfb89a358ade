package io.katostreams.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A session's short-term memory: its events, oldest first (spec 02 §3.2). Events are immutable lists.
 */
public final class ShortTermMemory {

    /** Events kept when a session is saved (spec 02 §3.7). */
    public static final int MAX_EVENTS = 1000;

    private final ArrayList<List<String>> events;

    public ShortTermMemory() {
        this.events = new ArrayList<>();
    }

    public ShortTermMemory(List<List<String>> events) {
        this.events = new ArrayList<>(events.size());
        for (List<String> e : events) this.events.add(List.copyOf(e));
    }

    public ShortTermMemory copy() {
        ShortTermMemory c = new ShortTermMemory();
        c.events.addAll(events);
        return c;
    }

    public void append(List<String> event) {
        events.add(List.copyOf(event));
    }

    public void clear() {
        events.clear();
    }

    /** Replaces the content with the given events (ROLLING auto-learn restores its window this way). */
    public void replaceWith(List<List<String>> kept) {
        events.clear();
        events.addAll(kept);
    }

    /** Keeps the newest {@code max} events. */
    public void trimToNewest(int max) {
        if (events.size() > max) events.subList(0, events.size() - max).clear();
    }

    /** Number of events. */
    public int size() {
        return events.size();
    }

    public boolean isEmpty() {
        return events.isEmpty();
    }

    /** Total number of symbols over all events. */
    public int symbolCount() {
        int n = 0;
        for (List<String> e : events) n += e.size();
        return n;
    }

    /** The newest {@code n} events; with n = 0 all events (Python's {@code stm[-0:]}, spec 03 §9 [QUIRK]). */
    public List<List<String>> newest(int n) {
        if (n <= 0 || n >= events.size()) return List.copyOf(events);
        return List.copyOf(events.subList(events.size() - n, events.size()));
    }

    /** Read-only view of the events. */
    public List<List<String>> events() {
        return Collections.unmodifiableList(events);
    }

    public boolean contains(String symbol) {
        for (List<String> e : events) if (e.contains(symbol)) return true;
        return false;
    }

    @Override
    public String toString() {
        return events.toString();
    }
}
