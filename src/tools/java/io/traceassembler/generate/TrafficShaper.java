package io.traceassembler.generate;

import io.traceassembler.model.HexIds;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Turns a stream of traces into the stream of records exporters would put on Kinesis, in arrival
 * order.
 *
 * <p>Spans leave in end-time order (exporters send finished spans), each delayed by up to {@link
 * TrafficOptions#outOfOrderMillis()} so the order is only roughly kept. OTLP and Zipkin records
 * batch 1..N consecutive spans, of several traces; native and Jaeger records hold one span. On top
 * come the faults of real delivery: retried records (identical bytes, later), spans held back for
 * minutes, KPL aggregates and undecodable records.
 *
 * <p>Memory stays bounded by the traces in flight: a trace is pulled from the source only once
 * spans ending after its start are due.
 */
public final class TrafficShaper implements Iterator<GeneratedRecord> {
    private static final long MS = 1_000_000L;
    private static final Comparator<PendingSpan> BY_EMIT_TIME =
            Comparator.<PendingSpan>comparingLong(p -> p.emitNanos)
                    .thenComparingLong(p -> p.sequence);
    private static final Comparator<ScheduledRecord> BY_ARRIVAL =
            Comparator.<ScheduledRecord>comparingLong(s -> s.record.arrivalEpochNanos)
                    .thenComparingLong(s -> s.sequence);

    private final Iterator<List<GeneratedSpan>> traces;
    private final TrafficOptions options;
    private final SplittableRandom random;

    /** The mix's Zipkin encodings (for Zipkin-reported traces) and the others (for the rest). */
    private final Map<Encoding, Double> zipkinWeights;

    private final Map<Encoding, Double> otherWeights;

    /** The mix is Zipkin alone: every trace goes through Zipkin encodings. */
    private final boolean otherWeightsAreZipkin;

    private final PriorityQueue<PendingSpan> pendingSpans = new PriorityQueue<>(BY_EMIT_TIME);
    private final PriorityQueue<ScheduledRecord> readyRecords = new PriorityQueue<>(BY_ARRIVAL);
    private List<GeneratedSpan> nextTrace;
    private long nextTraceStart;
    private long sequence;

    public TrafficShaper(Iterator<List<GeneratedSpan>> traces, TrafficOptions options) {
        this.traces = traces;
        this.options = options;
        this.zipkinWeights = options.encodingWeights();
        zipkinWeights.keySet().removeIf(encoding -> !encoding.isZipkin());
        this.otherWeights = options.encodingWeights();
        otherWeights.keySet().removeIf(Encoding::isZipkin);
        this.otherWeightsAreZipkin = !hasPositive(otherWeights);
        if (otherWeightsAreZipkin) {
            otherWeights.putAll(zipkinWeights);
        }
        // Its own generator, apart from the traces': the same traces can be shaped differently.
        this.random = new SplittableRandom(options.seed() ^ 0x5DEECE66DL);
        advanceTrace();
    }

    /** Shapes the traces of {@code generator} (randomness from {@link TrafficOptions#seed()}). */
    public static TrafficShaper of(TraceGenerator generator, TrafficOptions options) {
        return new TrafficShaper(generator.traces(), options);
    }

    /**
     * Every record of {@code generator}'s traces as {@code traffic} shapes them, in arrival order.
     */
    public static List<GeneratedRecord> allRecords(
            GeneratorOptions generator, TrafficOptions traffic) {
        List<GeneratedRecord> records = new ArrayList<>();
        of(new TraceGenerator(generator), traffic).forEachRemaining(records::add);
        return records;
    }

    /**
     * The records of {@code traces} generated traces in one encoding and compression, with the
     * generator's realistic batches: the fixtures of the decoder benchmark and the decoder tests.
     */
    public static List<GeneratedRecord> recordsOf(
            Encoding encoding,
            Compression compression,
            int traces,
            long traceSeed,
            long trafficSeed) {
        TrafficOptions traffic =
                TrafficOptions.defaults()
                        .seed(trafficSeed)
                        .encodingWeights(Map.of(encoding, 1.0))
                        .compressionWeights(Map.of(compression, 1.0));
        GeneratorOptions generator =
                GeneratorOptions.defaults()
                        .seed(traceSeed)
                        .traces(traces)
                        .zipkinTraceRatio(traffic.zipkinShare());
        return allRecords(generator, traffic);
    }

    @Override
    public boolean hasNext() {
        fill();
        return !readyRecords.isEmpty();
    }

    @Override
    public GeneratedRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return readyRecords.poll().record;
    }

    /**
     * Builds records until the earliest ready one can no longer be preceded by a record still to
     * build.
     */
    private void fill() {
        while (true) {
            admitTraces();
            long frontier = pendingSpans.isEmpty() ? Long.MAX_VALUE : pendingSpans.peek().emitNanos;
            if (!readyRecords.isEmpty()
                    && readyRecords.peek().record.arrivalEpochNanos <= frontier) {
                return;
            }
            if (pendingSpans.isEmpty()) {
                return;
            }
            buildRecords();
        }
    }

    /** Pulls traces whose spans may be due before the earliest pending span. */
    private void admitTraces() {
        while (nextTrace != null
                && (pendingSpans.isEmpty() || nextTraceStart <= pendingSpans.peek().emitNanos)) {
            long jitterBound = options.outOfOrderMillis() * MS + 1;
            for (GeneratedSpan span : nextTrace) {
                pendingSpans.add(
                        new PendingSpan(
                                span,
                                span.endEpochNanos + random.nextLong(jitterBound),
                                false,
                                sequence++));
            }
            advanceTrace();
        }
    }

    private void advanceTrace() {
        nextTrace = traces.hasNext() ? traces.next() : null;
        nextTraceStart = Long.MAX_VALUE;
        if (nextTrace != null) {
            for (GeneratedSpan span : nextTrace) {
                nextTraceStart = Math.min(nextTraceStart, span.startEpochNanos);
            }
        }
    }

    private void buildRecords() {
        GeneratedRecord record;
        if (options.kplRatio() > 0 && random.nextDouble() < options.kplRatio()) {
            List<GeneratedRecord> userRecords = new ArrayList<>();
            int count = 2 + random.nextInt(options.kplMaxRecords() - 1);
            for (int i = 0; i < count; i++) {
                GeneratedRecord userRecord = buildPlainRecord();
                if (userRecord == null) {
                    break;
                }
                userRecords.add(userRecord);
            }
            record =
                    userRecords.size() > 1
                            ? aggregate(userRecords)
                            : userRecords.isEmpty() ? null : userRecords.get(0);
        } else {
            record = buildPlainRecord();
        }
        if (record == null) {
            return;
        }
        schedule(record);
        if (options.duplicateRatio() > 0 && random.nextDouble() < options.duplicateRatio()) {
            long delay = 1 + random.nextLong(options.duplicateDelayMillis() * MS);
            schedule(record.resentAt(record.arrivalEpochNanos + delay));
        }
        if (options.badRatio() > 0 && random.nextDouble() < options.badRatio()) {
            schedule(badRecord(record));
        }
    }

    /**
     * One record of consecutive due spans, or null when no span is left. A span of a
     * Zipkin-reported trace ({@link GeneratedSpan#zipkinReported}) goes only into a Zipkin record,
     * the spans of other traces into the rest of the mix (into Zipkin too only when the mix is
     * Zipkin alone): the first span picks the encoding, and a span that does not fit ends the batch
     * and leads the next record. With {@link GeneratorOptions#zipkinTraceRatio(double)} at the
     * mix's {@link TrafficOptions#zipkinShare()}, records keep roughly the mix's proportions.
     */
    private GeneratedRecord buildPlainRecord() {
        PendingSpan first = pollDueSpan();
        if (first == null) {
            return null;
        }
        Encoding encoding = pick(first.span.zipkinReported ? zipkinWeights : otherWeights);
        Compression compression = pick(options.compressionWeights());
        boolean batching =
                encoding == Encoding.OTLP_PROTO
                        || encoding == Encoding.OTLP_JSON
                        || encoding == Encoding.ZIPKIN_JSON
                        || encoding == Encoding.ZIPKIN_PROTO;
        int size = batching ? 1 + random.nextInt(options.maxSpansPerBatch()) : 1;
        List<GeneratedSpan> spans = new ArrayList<>(size);
        int late = 0;
        long arrival = 0;
        while (spans.size() < size) {
            PendingSpan due = spans.isEmpty() ? first : pollDueSpan();
            if (due == null) {
                break;
            }
            if (due.span.zipkinReported != encoding.isZipkin() && !otherWeightsAreZipkin) {
                // Back in the queue as it was, its late roll already made.
                pendingSpans.add(due.settled());
                break;
            }
            spans.add(due.span);
            late += due.late ? 1 : 0;
            arrival = due.emitNanos;
        }
        if (spans.isEmpty()) {
            return null;
        }
        byte[] data = RecordEncoder.compress(RecordEncoder.encode(spans, encoding), compression);
        return new GeneratedRecord(
                data,
                spans.get(0).traceId,
                encoding,
                compression,
                spans,
                false,
                late,
                List.of(),
                null,
                0,
                arrival);
    }

    /** The next span to send; some are held back first and re-queued as late. */
    private PendingSpan pollDueSpan() {
        while (true) {
            admitTraces();
            PendingSpan due = pendingSpans.poll();
            if (due == null
                    || due.late
                    || due.settled
                    || options.lateRatio() == 0
                    || random.nextDouble() >= options.lateRatio()) {
                return due;
            }
            pendingSpans.add(
                    new PendingSpan(
                            due.span,
                            due.emitNanos + options.lateDelayMillis() * MS,
                            true,
                            sequence++));
        }
    }

    private static GeneratedRecord aggregate(List<GeneratedRecord> userRecords) {
        List<byte[]> payloads = new ArrayList<>();
        List<String> partitionKeys = new ArrayList<>();
        List<GeneratedSpan> spans = new ArrayList<>();
        int late = 0;
        for (GeneratedRecord userRecord : userRecords) {
            payloads.add(userRecord.data);
            partitionKeys.add(userRecord.partitionKey);
            spans.addAll(userRecord.spans);
            late += userRecord.lateSpans;
        }
        GeneratedRecord first = userRecords.get(0);
        GeneratedRecord last = userRecords.get(userRecords.size() - 1);
        return new GeneratedRecord(
                RecordEncoder.kplAggregate(payloads, partitionKeys),
                first.partitionKey,
                first.encoding,
                Compression.NONE,
                spans,
                false,
                late,
                userRecords,
                null,
                0,
                last.arrivalEpochNanos);
    }

    /** An undecodable record arriving together with {@code good}, built from its first span. */
    private GeneratedRecord badRecord(GeneratedRecord good) {
        BadRecordKind kind = BadRecordKind.values()[random.nextInt(BadRecordKind.values().length)];
        GeneratedSpan template = good.spans.get(0);
        byte[] data;
        Encoding encoding;
        String partitionKey = template.traceId;
        switch (kind) {
            case GARBAGE:
                data = new byte[16 + random.nextInt(240)];
                for (int i = 1; i < data.length; i++) {
                    data[i] = (byte) random.nextInt(256);
                }
                data[0] = 0; // a zero protobuf tag: no decoder can mistake it for a valid record
                encoding = Encoding.OTLP_PROTO;
                break;
            case TRUNCATED_PROTOBUF:
                // One span: a single top-level field whose declared length then overruns the cut.
                encoding = Encoding.OTLP_PROTO;
                data = halve(RecordEncoder.encode(List.of(template), encoding));
                break;
            case INVALID_JSON:
                encoding = Encoding.NATIVE_SPAN;
                data = halve(RecordEncoder.encode(List.of(template), encoding));
                break;
            case END_BEFORE_START:
                encoding = Encoding.NATIVE_SPAN;
                GeneratedSpan broken = endBeforeStart(template);
                partitionKey = broken.traceId;
                data = RecordEncoder.encode(List.of(broken), encoding);
                break;
            default:
                throw new IllegalStateException(kind.name());
        }
        return new GeneratedRecord(
                data,
                partitionKey,
                encoding,
                Compression.NONE,
                List.of(),
                false,
                0,
                List.of(),
                kind,
                1,
                good.arrivalEpochNanos);
    }

    /** A root span of a fresh trace whose end lies 5 ms before its start. */
    private GeneratedSpan endBeforeStart(GeneratedSpan template) {
        GeneratedSpan span = new GeneratedSpan();
        span.traceId = HexIds.toHex(random.nextLong(), random.nextLong());
        span.spanId = HexIds.toHex(random.nextLong() | 1L);
        span.parentSpanId = null;
        span.serviceName = template.serviceName;
        span.operationName = template.operationName;
        span.kind = "server";
        span.startEpochNanos = template.startEpochNanos;
        span.endEpochNanos = template.startEpochNanos - 5 * MS;
        span.status = "ok";
        span.tags = new LinkedHashMap<>();
        return span;
    }

    private static byte[] halve(byte[] data) {
        return Arrays.copyOf(data, Math.max(1, data.length / 2));
    }

    private static boolean hasPositive(Map<Encoding, Double> weights) {
        return weights.values().stream().anyMatch(weight -> weight > 0);
    }

    private <K extends Enum<K>> K pick(Map<K, Double> weights) {
        if (weights.values().stream().noneMatch(weight -> weight > 0)) {
            throw new IllegalStateException(
                    "a Zipkin-reported trace (GeneratorOptions.zipkinTraceRatio > 0) needs"
                            + " zipkin_json or zipkin_proto in the encoding mix: set"
                            + " zipkinTraceRatio to the mix's TrafficOptions.zipkinShare()");
        }
        double total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
        double target = random.nextDouble() * total;
        K chosen = null;
        for (Map.Entry<K, Double> entry : weights.entrySet()) { // EnumMap: a stable order
            if (entry.getValue() > 0) {
                chosen = entry.getKey();
                target -= entry.getValue();
                if (target < 0) {
                    break;
                }
            }
        }
        return chosen;
    }

    private void schedule(GeneratedRecord record) {
        readyRecords.add(new ScheduledRecord(record, sequence++));
    }

    private static final class PendingSpan {
        final GeneratedSpan span;
        final long emitNanos;
        final boolean late;
        final long sequence;

        /** Its late roll is made: it was polled and put back. */
        final boolean settled;

        PendingSpan(GeneratedSpan span, long emitNanos, boolean late, long sequence) {
            this(span, emitNanos, late, sequence, false);
        }

        private PendingSpan(
                GeneratedSpan span, long emitNanos, boolean late, long sequence, boolean settled) {
            this.span = span;
            this.emitNanos = emitNanos;
            this.late = late;
            this.sequence = sequence;
            this.settled = settled;
        }

        PendingSpan settled() {
            return new PendingSpan(span, emitNanos, late, sequence, true);
        }
    }

    private static final class ScheduledRecord {
        final GeneratedRecord record;
        final long sequence;

        ScheduledRecord(GeneratedRecord record, long sequence) {
            this.record = record;
            this.sequence = sequence;
        }
    }
}
