package io.traceassembler.ingest.format;

import io.traceassembler.model.Span;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The spans and per-span rejects of the one record being decoded, held back until the whole record
 * has parsed (a record that fails half-way yields one reject and no spans), with the checks every
 * reader applies to a span: ids present and not too long, times in range and in order. One per
 * decoder, reused.
 */
public final class RecordSpans {
    static final String UNKNOWN = "unknown";

    /** The start of an untimed span until {@link #settleUntimed} gives it the record's time. */
    static final long UNTIMED_STAND_IN = 0;

    private final List<Span> spans = new ArrayList<>();
    private final List<String> rejects = new ArrayList<>();
    private String reasonPrefix = "";
    private int spanNumber;

    /**
     * Starts a record; {@code prefix} goes in front of every reason (for example a KPL user
     * record's place).
     */
    public void start(String prefix) {
        clear();
        reasonPrefix = prefix;
    }

    /**
     * Forgets what the current record gave so far (it is rejected, or decoded again in another
     * way).
     */
    public void clear() {
        spans.clear();
        rejects.clear();
        spanNumber = 0;
    }

    public boolean isEmpty() {
        return spans.isEmpty() && rejects.isEmpty();
    }

    public List<Span> spans() {
        return spans;
    }

    public List<String> rejects() {
        return rejects;
    }

    /**
     * Gives each untimed span (a Zipkin span without a timestamp) a stand-in time for event time:
     * the latest end among the record's timed spans of the same trace, else of any trace. An
     * untimed span in a record without a timed span has no time to go by and is rejected.
     */
    public void settleUntimed() {
        long recordEnd = Long.MIN_VALUE;
        boolean anyUntimed = false;
        for (Span span : spans) {
            if (span.untimed) {
                anyUntimed = true;
            } else {
                recordEnd = Math.max(recordEnd, span.endMicros);
            }
        }
        if (!anyUntimed) {
            return;
        }
        for (int i = 0; i < spans.size(); i++) {
            Span span = spans.get(i);
            if (!span.untimed) {
                continue;
            }
            if (recordEnd == Long.MIN_VALUE) {
                rejects.add(
                        reasonPrefix
                                + "span "
                                + span.spanId
                                + ": timestamp is missing and no span of the record has one");
                spans.remove(i--);
                continue;
            }
            long traceEnd = Long.MIN_VALUE;
            for (Span other : spans) {
                if (!other.untimed && other.traceId.equals(span.traceId)) {
                    traceEnd = Math.max(traceEnd, other.endMicros);
                }
            }
            span.startMicros = span.endMicros = traceEnd != Long.MIN_VALUE ? traceEnd : recordEnd;
        }
    }

    /** Replaces whatever the record gave with one reason for the whole record. */
    public void rejectRecord(String reason) {
        clear();
        rejects.add(reasonPrefix + reason);
    }

    void add(Span span) {
        spans.add(span);
    }

    int size() {
        return spans.size();
    }

    Span get(int index) {
        return spans.get(index);
    }

    /**
     * The number of the next span of the record, counting rejected ones; enforces the per-record
     * limit.
     */
    int nextSpanNumber() throws RecordRejected {
        if (++spanNumber > DecodeLimits.MAX_SPANS_PER_RECORD) {
            throw new RecordRejected(
                    "record holds more than " + DecodeLimits.MAX_SPANS_PER_RECORD + " spans");
        }
        return spanNumber;
    }

    /** How many span numbers the record has used, for {@link #rollBack}. */
    int spanNumber() {
        return spanNumber;
    }

    /**
     * Forgets what a reader added after the record held {@code spanCount} spans, {@code
     * rejectCount} rejects and {@code number} span numbers (the bytes were not what it reads).
     */
    void rollBack(int spanCount, int rejectCount, int number) {
        spans.subList(spanCount, spans.size()).clear();
        rejects.subList(rejectCount, rejects.size()).clear();
        spanNumber = number;
    }

    void reject(int number, String problem) {
        rejects.add(reasonPrefix + "span " + number + ": " + problem);
    }

    boolean checkIds(
            int number,
            String traceId,
            String spanId,
            String parentId,
            String traceKey,
            String spanKey,
            String parentKey) {
        if (traceId == null || traceId.isEmpty()) {
            reject(number, traceKey + " is missing");
            return false;
        }
        if (spanId == null || spanId.isEmpty()) {
            reject(number, spanKey + " is missing");
            return false;
        }
        if (traceId.length() > DecodeLimits.MAX_ID_LENGTH) {
            reject(
                    number,
                    traceKey + " is longer than " + DecodeLimits.MAX_ID_LENGTH + " characters");
            return false;
        }
        if (spanId.length() > DecodeLimits.MAX_ID_LENGTH) {
            reject(
                    number,
                    spanKey + " is longer than " + DecodeLimits.MAX_ID_LENGTH + " characters");
            return false;
        }
        if (parentId != null && parentId.length() > DecodeLimits.MAX_ID_LENGTH) {
            reject(
                    number,
                    parentKey + " is longer than " + DecodeLimits.MAX_ID_LENGTH + " characters");
            return false;
        }
        return true;
    }

    boolean checkTimes(int number, long start, long end, String startLabel, String endLabel) {
        if (!SpanTimes.inRange(start)) {
            reject(
                    number,
                    startLabel
                            + " "
                            + SpanTimes.formatMicros(start)
                            + " is outside the years 1970 to 2499");
            return false;
        }
        if (!SpanTimes.inRange(end)) {
            reject(
                    number,
                    endLabel
                            + " "
                            + SpanTimes.formatMicros(end)
                            + " is outside the years 1970 to 2499");
            return false;
        }
        if (end < start) {
            reject(
                    number,
                    endLabel
                            + " "
                            + SpanTimes.formatMicros(end)
                            + " is before "
                            + startLabel
                            + " "
                            + SpanTimes.formatMicros(start));
            return false;
        }
        return true;
    }

    static String orUnknown(String value) {
        return value == null || value.isEmpty() ? UNKNOWN : value;
    }

    static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    /**
     * Hex ids of OTLP JSON and Zipkin are normalised to lower case; an empty parent id is no
     * parent.
     */
    static String lowerOrNull(String id) {
        return id == null || id.isEmpty() ? null : id.toLowerCase(Locale.ROOT);
    }
}
