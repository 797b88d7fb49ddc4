package io.traceassembler.sink;

import io.traceassembler.model.DeadLetter;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Where dead letters go when no dead-letter stream is configured: counted and logged at a bounded
 * rate, at most one line per {@code interval} per subtask with the counts per reason since the
 * previous line and the source of the latest one. A flood of bad records must not flood the log.
 * (They are also counted in the {@code deadLetters} metric of the decoder.)
 */
public class DeadLetterLog implements Sink<DeadLetter> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterLog.class);
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

    private final long intervalMillis;

    public DeadLetterLog() {
        this(DEFAULT_INTERVAL);
    }

    public DeadLetterLog(Duration interval) {
        this.intervalMillis = interval.toMillis();
    }

    @Override
    public SinkWriter<DeadLetter> createWriter(WriterInitContext context) {
        return new Writer(intervalMillis, System::currentTimeMillis, LOG::warn);
    }

    @Override
    @Deprecated
    public SinkWriter<DeadLetter> createWriter(InitContext context) {
        return new Writer(intervalMillis, System::currentTimeMillis, LOG::warn);
    }

    /** Logs the first dead letter at once, then at most one summary line per interval. */
    static final class Writer implements SinkWriter<DeadLetter> {
        private final long intervalMillis;
        private final LongSupplier clock;
        private final Consumer<String> log;
        private final Map<String, Long> countsByReason = new TreeMap<>();
        private long pending;
        private long total;
        private long lastLineMillis = Long.MIN_VALUE;
        private DeadLetter latest;

        Writer(long intervalMillis, LongSupplier clock, Consumer<String> log) {
            this.intervalMillis = intervalMillis;
            this.clock = clock;
            this.log = log;
        }

        @Override
        public void write(DeadLetter deadLetter, Context context) {
            countsByReason.merge(deadLetter.reason, 1L, Long::sum);
            pending++;
            total++;
            latest = deadLetter;
            logIfDue();
        }

        /**
         * Called at least on every checkpoint, so a count does not wait for the next dead letter
         * forever.
         */
        @Override
        public void flush(boolean endOfInput) {
            if (endOfInput) {
                lastLineMillis = Long.MIN_VALUE;
            }
            logIfDue();
        }

        private void logIfDue() {
            long now = clock.getAsLong();
            if (pending == 0
                    || (lastLineMillis != Long.MIN_VALUE
                            && now - lastLineMillis < intervalMillis)) {
                return;
            }
            log.accept(
                    pending
                            + " dead letter(s) since the last report ("
                            + total
                            + " in all), by reason: "
                            + countsByReason
                            + "; latest from "
                            + latest.origin
                            + " shard "
                            + latest.partition
                            + " position "
                            + latest.position
                            + ". Set DeadLetters.stream.name to keep them in a stream.");
            countsByReason.clear();
            pending = 0;
            lastLineMillis = now;
        }

        @Override
        public void close() {
            flush(true);
        }
    }
}
