package io.traceassembler.sink;

import io.traceassembler.aws.AwsClients;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.model.DeadLetter;

import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kinesis.sink.KinesisStreamsSink;
import org.apache.flink.connector.kinesis.sink.PartitionKeyGenerator;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes dead letters to the {@code DeadLetters} Kinesis stream, one record per dead letter holding
 * {@link JsonLines#deadLetter} (reason; origin = source stream, partition = shard id, position =
 * sequence number; the record as base64 and, when it is text, as text).
 */
public final class DeadLetterStreamSink {
    private DeadLetterStreamSink() {}

    public static KinesisStreamsSink<DeadLetter> create(TraceAssemblerConfig.DeadLetters config) {
        if (config.streamName == null) {
            throw new IllegalArgumentException("DeadLetters.stream.name is not set");
        }
        return KinesisStreamsSink.<DeadLetter>builder()
                .setStreamName(config.streamName)
                .setSerializationSchema(new DeadLetterJson(config.includeRecord))
                .setPartitionKeyGenerator(new SourcePositionKey())
                // A dead letter that cannot be written is retried, not allowed to fail the job.
                .setFailOnError(false)
                .setKinesisClientProperties(AwsClients.connectorProperties(config.aws))
                .build();
    }

    /**
     * {@link JsonLines#deadLetter(DeadLetter, boolean)}, with or without the record ({@code
     * DeadLetters.include.record}).
     */
    static final class DeadLetterJson implements SerializationSchema<DeadLetter> {
        private static final long serialVersionUID = 1L;
        private final boolean includeRecord;

        DeadLetterJson(boolean includeRecord) {
            this.includeRecord = includeRecord;
        }

        @Override
        public byte[] serialize(DeadLetter deadLetter) {
            return JsonLines.deadLetter(deadLetter, includeRecord).getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Spreads dead letters over the shards by where they came from (shard and sequence number), or
     * by their bytes when that is unknown (late spans); never empty, at most 256 characters.
     */
    static final class SourcePositionKey implements PartitionKeyGenerator<DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        public String apply(DeadLetter deadLetter) {
            String key =
                    deadLetter.position != null
                            ? deadLetter.partition + "/" + deadLetter.position
                            : Integer.toHexString(Arrays.hashCode(deadLetter.data));
            return key.length() <= 256 ? key : key.substring(key.length() - 256);
        }
    }
}
