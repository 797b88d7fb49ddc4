package io.traceassembler.local;

import io.traceassembler.generate.GeneratedRecord;
import io.traceassembler.generate.GeneratedSpan;
import io.traceassembler.generate.GenerationStats;
import io.traceassembler.generate.GeneratorOptions;
import io.traceassembler.generate.KinesisRecordSink;
import io.traceassembler.generate.TraceGenerator;
import io.traceassembler.generate.TrafficOptions;
import io.traceassembler.generate.TrafficShaper;

import software.amazon.awssdk.services.kinesis.KinesisClient;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Feeds a Kinesis stream with generated traffic in real time, on a background thread, until
 * stopped. Stopping ends the start of new traces but lets the traces in flight finish, so the job
 * sees them complete.
 */
final class SpanFeeder {
    private final KinesisRecordSink sink;
    private final TraceGenerator generator;
    private final TrafficShaper records;
    private final Thread thread;
    private volatile boolean stopRequested;
    private volatile Exception failure;

    final AtomicLong recordsSent = new AtomicLong();
    final AtomicLong spansSent = new AtomicLong();
    final AtomicLong badRecordsSent = new AtomicLong();
    final AtomicLong tracesStarted = new AtomicLong();

    SpanFeeder(
            KinesisClient kinesis,
            String streamName,
            GeneratorOptions generatorOptions,
            TrafficOptions traffic) {
        this.sink = new KinesisRecordSink(kinesis, streamName, true);
        this.generator = new TraceGenerator(generatorOptions);
        Iterator<List<GeneratedSpan>> traces = generator.traces();
        this.records =
                new TrafficShaper(
                        new Iterator<>() {
                            @Override
                            public boolean hasNext() {
                                return !stopRequested && traces.hasNext();
                            }

                            @Override
                            public List<GeneratedSpan> next() {
                                tracesStarted.incrementAndGet();
                                return traces.next();
                            }
                        },
                        traffic);
        this.thread = new Thread(this::feed, "span-feeder");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Stops starting traces and waits up to {@code drainTimeout} for the traces in flight; then
     * interrupts.
     */
    void stop(Duration drainTimeout) throws InterruptedException {
        stopRequested = true;
        thread.join(drainTimeout.toMillis());
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(5_000);
        }
    }

    boolean isRunning() {
        return thread.isAlive();
    }

    /** Why feeding stopped early, or null. */
    Exception failure() {
        return failure;
    }

    /** What was generated: expected insight counts. Read it after {@link #stop}. */
    GenerationStats stats() {
        return generator.stats();
    }

    private void feed() {
        try (sink) {
            while (records.hasNext()) {
                GeneratedRecord record = records.next();
                sink.write(record);
                recordsSent.incrementAndGet();
                if (record.isBad()) {
                    badRecordsSent.incrementAndGet();
                } else if (!record.duplicate) {
                    spansSent.addAndGet(record.spans.size());
                }
            }
        } catch (java.io.InterruptedIOException e) {
            // stopped while traces were still in flight
        } catch (Exception e) {
            failure = e;
        }
    }
}
