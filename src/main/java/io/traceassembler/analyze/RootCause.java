package io.traceassembler.analyze;

/**
 * The error root cause of a trace (docs/contracts.md, section 2): among the error spans that have
 * no error span below them in the tree, the deepest (depth from the trace's root, or from the
 * topmost ancestor present); ties go to the earliest start, then the smallest span id (the smallest
 * 64-bit span key: for the usual 16-hex-digit ids that is the smallest id).
 *
 * <p>Why deepest: an error usually travels up the call chain, each caller failing because its
 * callee did; the error nobody below explains is where it started, and the deepest such span is the
 * furthest from the symptom the user saw. One pass up the breadth-first order, no recursion.
 */
public final class RootCause {
    private boolean[] errorBelow = new boolean[16];

    /**
     * The root cause span's index in {@code tree}, or {@link SpanTree#NONE} when no span has an
     * error.
     */
    public int find(SpanTree tree) {
        int n = tree.size();
        if (errorBelow.length < n) {
            errorBelow = new boolean[Math.max(n, errorBelow.length * 2)];
        }
        java.util.Arrays.fill(errorBelow, 0, n, false);
        // Children come after their parent in breadth-first order: walking it backwards sees every
        // child first.
        for (int k = n - 1; k >= 0; k--) {
            int i = tree.inOrder(k);
            int p = tree.parent(i);
            if (p != SpanTree.NONE && (tree.error(i) || errorBelow[i])) {
                errorBelow[p] = true;
            }
        }
        int best = SpanTree.NONE;
        for (int i = 0; i < n; i++) {
            if (tree.error(i)
                    && !errorBelow[i]
                    && (best == SpanTree.NONE || before(tree, i, best))) {
                best = i;
            }
        }
        return best;
    }

    private static boolean before(SpanTree tree, int a, int b) {
        if (tree.depth(a) != tree.depth(b)) {
            return tree.depth(a) > tree.depth(b);
        }
        if (tree.start(a) != tree.start(b)) {
            return tree.start(a) < tree.start(b);
        }
        return Long.compareUnsigned(tree.spanKey(a), tree.spanKey(b)) < 0;
    }
}
