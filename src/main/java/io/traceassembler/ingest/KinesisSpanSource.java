package io.traceassembler.ingest;

import io.traceassembler.aws.AwsClients;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.RawRecord;

import org.apache.flink.streaming.connectors.kinesis.FlinkKinesisConsumer;
import org.apache.flink.streaming.connectors.kinesis.config.ConsumerConfigConstants;
import org.apache.flink.streaming.connectors.kinesis.config.ConsumerConfigConstants.RecordPublisherType;

import java.math.BigDecimal;
import java.util.Properties;

/**
 * The Kinesis span source: a {@link FlinkKinesisConsumer} of {@link RawRecord}s for {@code
 * SpanSource}.
 *
 * <p>No watermarks are assigned here. The consumer could generate them per shard from each record's
 * arrival time, but the job's event time is a span's end time, which is only known once the record
 * is decoded (a record may hold spans of many traces, or none). {@code TracePipeline} therefore
 * assigns watermarks right after decoding, per source subtask, with a generator that advances with
 * the wall clock once its input has been quiet for {@code TraceAssembly.idleness}, and that marks a
 * subtask idle when it has never seen a span. A quiet shard thus never holds traces back: its
 * subtask's spans from other shards drive the watermark, and a subtask whose shards are all quiet
 * either advances on its own or is idle and ignored downstream.
 */
public final class KinesisSpanSource {
    public static final String UID = "kinesis-span-source";

    /**
     * Between GetRecords calls per shard: low latency, well inside 5 calls/s/shard shared by
     * consumers.
     */
    public static final long GET_RECORDS_INTERVAL_MS = 250;

    /**
     * A shard without records for this long no longer holds back the consumer's per-shard
     * watermarks. Those are not used (see above), so this is a safety net should a per-shard
     * assigner ever be added.
     */
    public static final long SHARD_IDLE_INTERVAL_MS = 10_000;

    private KinesisSpanSource() {}

    public static FlinkKinesisConsumer<RawRecord> create(TraceAssemblerConfig.SpanSource config) {
        return new FlinkKinesisConsumer<>(
                config.streamName, new KinesisRecordSchema(), consumerProperties(config));
    }

    /**
     * The consumer's properties. Region, endpoint and credentials come from {@link AwsClients}; its
     * keys are those of the aws-base {@code AWSConfigConstants}, which have the same strings as the
     * Kinesis connector's own {@code AWSConfigConstants} that this consumer reads.
     */
    public static Properties consumerProperties(TraceAssemblerConfig.SpanSource config) {
        Properties props = AwsClients.connectorProperties(config.aws);
        props.setProperty(
                ConsumerConfigConstants.STREAM_INITIAL_POSITION, config.initialPosition.name());
        if (config.initialPosition == TraceAssemblerConfig.InitialPosition.AT_TIMESTAMP) {
            // Seconds since the epoch with fractional millis: the connector's format-free form.
            props.setProperty(
                    ConsumerConfigConstants.STREAM_INITIAL_TIMESTAMP,
                    BigDecimal.valueOf(config.initialTimestamp.toEpochMilli(), 3).toPlainString());
        }
        if (config.reader == TraceAssemblerConfig.ReaderType.EFO) {
            props.setProperty(
                    ConsumerConfigConstants.RECORD_PUBLISHER_TYPE, RecordPublisherType.EFO.name());
            // A fixed name: a restarted job reuses its consumer instead of registering another one.
            props.setProperty(ConsumerConfigConstants.EFO_CONSUMER_NAME, config.efoConsumerName);
        } else {
            props.setProperty(
                    ConsumerConfigConstants.RECORD_PUBLISHER_TYPE,
                    RecordPublisherType.POLLING.name());
            props.setProperty(
                    ConsumerConfigConstants.SHARD_GETRECORDS_INTERVAL_MILLIS,
                    Long.toString(GET_RECORDS_INTERVAL_MS));
        }
        props.setProperty(
                ConsumerConfigConstants.SHARD_IDLE_INTERVAL_MILLIS,
                Long.toString(SHARD_IDLE_INTERVAL_MS));
        return props;
    }
}
