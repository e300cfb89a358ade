package io.katostreams.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Similarity and matching of one pattern against the state (spec 04 §6–7). Symbols are compared as
 * dense ids; equal ids mean equal strings.
 */
public final class Matcher {
    private Matcher() {}

    /**
     * Work arrays reused across candidates of one request (one per thread). The block search leaves
     * {@code prev}/{@code next} all zero when it returns, which is what the next search expects.
     */
    static final class Work {
        int[] prev = new int[0], next = new int[0], prevSet = new int[0], nextSet = new int[0];
        int[] stack = new int[16];
        private int[] row = new int[0];

        void ensure(int n) {
            if (prev.length < n) {
                prev = new int[n];
                next = new int[n];
                prevSet = new int[n];
                nextSet = new int[n];
            }
        }

        int[] row(int n) {
            if (row.length < n) row = new int[n];
            java.util.Arrays.fill(row, 0, n, 0);
            return row;
        }
    }

    /** A matching block: {@code a[i..i+k) == b[j..j+k)} with a = pattern, b = state. */
    public record Block(int i, int j, int k) {}

    /** Length of the longest common subsequence of two int sequences (symbol ids or code points). */
    public static int lcs(int[] a, int[] b) {
        return lcs(a, b, null);
    }

    /** As {@link #lcs(int[], int[])}, using {@code work} (if long enough) instead of allocating. */
    static int lcs(int[] a, int[] b, Work work) {
        if (a.length == 0 || b.length == 0) return 0;
        int[] shorter = a.length <= b.length ? a : b;
        int[] longer = shorter == a ? b : a;
        int n = shorter.length;
        int[] row = work == null ? new int[n + 1] : work.row(n + 1);
        for (int x : longer) {
            int diag = 0; // row[j-1] of the previous outer iteration
            for (int j = 1; j <= n; j++) {
                int up = row[j];
                row[j] = x == shorter[j - 1] ? diag + 1 : Math.max(up, row[j - 1]);
                diag = up;
            }
        }
        return row[n];
    }

    /** Token similarity {@code (2.0·lcs)/(|P|+|state|)} (spec 04 §6.1). */
    public static double tokenSimilarity(int lcs, int patternLength, int stateLength) {
        int total = patternLength + stateLength;
        return total == 0 ? 0.0 : (2.0 * lcs) / total;
    }

    /**
     * Character-mode raw score (spec 04 §6.2): the Indel normalised similarity of the space-joined
     * symbol strings, on code points. The reported similarity is {@code (raw·100.0)/100.0}.
     */
    public static double characterRaw(int[] patternCodePoints, int[] stateCodePoints) {
        int m = patternCodePoints.length + stateCodePoints.length;
        if (m == 0) return 1.0;
        int d = m - 2 * lcs(patternCodePoints, stateCodePoints);
        return 1.0 - (double) d / m;
    }

    /**
     * The reference's three successive checks (spec 04 §6.3): rapidfuzz's cutoff on the 0–100 scale,
     * the re-check of score/100 and the final check of the stored similarity. Implemented literally:
     * it is the one place where a last-bit difference changes which predictions exist.
     */
    public static boolean passes(double raw, double similarity, double threshold) {
        return raw >= threshold
                && raw * 100.0 >= threshold * 100.0
                && (raw * 100.0) / 100.0 >= threshold
                && similarity >= threshold;
    }

    /** Code points of the symbols joined by single spaces. */
    public static int[] joinedCodePoints(String[] symbols) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < symbols.length; i++) {
            if (i > 0) b.append(' ');
            b.append(symbols[i]);
        }
        return b.codePoints().toArray();
    }

    /**
     * Positions of each symbol in the state, for the block search. Built once per request. Ids
     * may be negative (symbols unknown to the node). With a dense table (one slot per symbol id,
     * valid where its stamp matches) a lookup is one array access; otherwise open addressing.
     */
    public static final class StatePositions {
        private final int[] keys;
        private final int[][] positions;
        private final int mask;
        private final int[] denseSlot;
        private final int[] denseStamp;
        private final int stamp;

        public StatePositions(int[] state) {
            this(state, null, null, 0);
        }

        StatePositions(int[] state, int[] denseSlot, int[] denseStamp, int stamp) {
            int cap = Integer.highestOneBit(Math.max(4, state.length * 2) - 1) << 1;
            keys = new int[cap];
            positions = new int[cap][];
            mask = cap - 1;
            int[] counts = new int[cap];
            for (int x : state) counts[slot(x, true)]++;
            for (int s = 0; s < cap; s++) if (positions[s] != null) positions[s] = new int[counts[s]];
            int[] fill = new int[cap];
            for (int j = 0; j < state.length; j++) {
                int s = slot(state[j], false);
                positions[s][fill[s]++] = j;
            }
            this.denseSlot = denseSlot;
            this.denseStamp = denseStamp;
            this.stamp = stamp;
            if (denseSlot != null) {
                for (int s = 0; s < cap; s++) {
                    if (positions[s] != null && keys[s] >= 0) {
                        denseSlot[keys[s]] = s;
                        denseStamp[keys[s]] = stamp;
                    }
                }
            }
        }

        private int slot(int key, boolean insert) {
            int h = mix(key) & mask;
            while (positions[h] != null && keys[h] != key) h = (h + 1) & mask;
            if (positions[h] == null && insert) {
                keys[h] = key;
                positions[h] = EMPTY;
            }
            return h;
        }

        /** Ascending positions of {@code key} in the state (empty when absent). */
        public int[] of(int key) {
            if (denseSlot != null && key >= 0) {
                return key < denseStamp.length && denseStamp[key] == stamp ? positions[denseSlot[key]] : EMPTY;
            }
            int h = mix(key) & mask;
            while (positions[h] != null) {
                if (keys[h] == key) return positions[h];
                h = (h + 1) & mask;
            }
            return EMPTY;
        }

        private static int mix(int key) {
            int h = key * 0x9E3779B9;
            return h ^ (h >>> 16);
        }

        private static final int[] EMPTY = new int[0];
    }

    /**
     * Matching blocks of {@code a} (pattern) against {@code b} (state): SequenceMatcher's recursion
     * with no junk and no autojunk heuristic (spec 04 §7), sorted by (i, j, k).
     */
    public static List<Block> matchingBlocks(int[] a, int[] b, StatePositions bPositions) {
        return matchingBlocks(a, b, bPositions, new Work());
    }

    /** As {@link #matchingBlocks(int[], int[], StatePositions)} with reusable work arrays. */
    static List<Block> matchingBlocks(int[] a, int[] b, StatePositions bPositions, Work work) {
        List<Block> found = new ArrayList<>(4);
        work.ensure(b.length);
        int[] prev = work.prev;
        int[] next = work.next;
        int[] prevSet = work.prevSet;
        int[] nextSet = work.nextSet;
        int[] stack = work.stack;
        int sp = 0;
        stack[sp++] = 0; stack[sp++] = a.length; stack[sp++] = 0; stack[sp++] = b.length;
        while (sp > 0) {
            int bhi = stack[--sp], blo = stack[--sp], ahi = stack[--sp], alo = stack[--sp];
            // longest block in the window; the first one found wins among equally long ones
            int bestI = alo, bestJ = blo, bestK = 0;
            int prevN = 0;
            for (int i = alo; i < ahi; i++) {
                int nextN = 0;
                for (int j : bPositions.of(a[i])) {
                    if (j < blo) continue;
                    if (j >= bhi) break;
                    int k = (j > 0 ? prev[j - 1] : 0) + 1;
                    next[j] = k;
                    nextSet[nextN++] = j;
                    if (k > bestK) {
                        bestI = i - k + 1;
                        bestJ = j - k + 1;
                        bestK = k;
                    }
                }
                for (int t = 0; t < prevN; t++) prev[prevSet[t]] = 0;
                int[] tmp = prev; prev = next; next = tmp;
                tmp = prevSet; prevSet = nextSet; nextSet = tmp;
                prevN = nextN;
            }
            for (int t = 0; t < prevN; t++) prev[prevSet[t]] = 0;
            if (bestK > 0) {
                found.add(new Block(bestI, bestJ, bestK));
                if (sp + 8 > stack.length) stack = work.stack = java.util.Arrays.copyOf(stack, stack.length * 2);
                if (alo < bestI && blo < bestJ) {
                    stack[sp++] = alo; stack[sp++] = bestI; stack[sp++] = blo; stack[sp++] = bestJ;
                }
                if (bestI + bestK < ahi && bestJ + bestK < bhi) {
                    stack[sp++] = bestI + bestK; stack[sp++] = ahi; stack[sp++] = bestJ + bestK; stack[sp++] = bhi;
                }
            }
        }
        found.sort((x, y) -> x.i != y.i ? Integer.compare(x.i, y.i) : x.j != y.j ? Integer.compare(x.j, y.j)
                : Integer.compare(x.k, y.k));
        // Merge neighbours (cannot happen without junk elements; kept for fidelity).
        List<Block> merged = new ArrayList<>(found.size());
        for (Block blk : found) {
            if (!merged.isEmpty()) {
                Block last = merged.get(merged.size() - 1);
                if (last.i + last.k == blk.i && last.j + last.k == blk.j) {
                    merged.set(merged.size() - 1, new Block(last.i, last.j, last.k + blk.k));
                    continue;
                }
            }
            merged.add(blk);
        }
        return merged;
    }
}
