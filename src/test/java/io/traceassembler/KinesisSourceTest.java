package io.traceassembler;

import io.traceassembler.config.AwsOptions;
import io.traceassembler.config.PropertyGroups;
import io.traceassembler.config.TraceAssemblerConfig;
import io.traceassembler.ingest.KinesisRecordSchema;
import io.traceassembler.ingest.KinesisSpanSource;
import io.traceassembler.model.RawRecord;

import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.streaming.connectors.kinesis.config.ConsumerConfigConstants;
import org.apache.flink.streaming.connectors.kinesis.util.KinesisConfigUtil;

import org.junit.jupiter.api.Test;

import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kinesis source's record schema and the consumer properties built from {@code SpanSource}. */
class KinesisSourceTest {

    @Test
    void schemaKeepsTheBytesAndWhereTheyCameFrom() throws Exception {
        KinesisRecordSchema schema = new KinesisRecordSchema();
        byte[] data = {0x1f, (byte) 0x8b, 1, 2};

        RawRecord record =
                schema.deserialize(
                        data,
                        "trace-1",
                        "49590338271490256608559692538361571095921575989136588898",
                        1_767_225_600_000L,
                        "spans",
                        "shardId-000000000001");

        assertThat(record.data).isEqualTo(data);
        assertThat(record.origin).isEqualTo("spans");
        assertThat(record.partition).isEqualTo("shardId-000000000001");
        assertThat(record.position)
                .isEqualTo("49590338271490256608559692538361571095921575989136588898");
        assertThat(record.rejectReason).isNull();
        // A POJO, so Flink serializes it without Kryo (the job disables generic types).
        assertThat(schema.getProducedType()).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void pollingFromLatestInAwsByDefault() {
        Properties props = KinesisSpanSource.consumerProperties(spanSource(PropertyGroups.empty()));

        assertThat(props.getProperty("aws.region")).isEqualTo(AwsOptions.DEFAULT_REGION);
        assertThat(props).doesNotContainKeys("aws.endpoint", "aws.credentials.provider");
        assertThat(props.getProperty(ConsumerConfigConstants.RECORD_PUBLISHER_TYPE))
                .isEqualTo("POLLING");
        assertThat(props.getProperty(ConsumerConfigConstants.STREAM_INITIAL_POSITION))
                .isEqualTo("LATEST");
        assertThat(props.getProperty(ConsumerConfigConstants.SHARD_GETRECORDS_INTERVAL_MILLIS))
                .isEqualTo("250");
        assertThat(props.getProperty(ConsumerConfigConstants.SHARD_IDLE_INTERVAL_MILLIS))
                .isEqualTo("10000");
        KinesisConfigUtil.validateConsumerConfiguration(props);
    }

    @Test
    void enhancedFanOutFromATimestampOnAnEmulator() {
        Properties props =
                KinesisSpanSource.consumerProperties(
                        spanSource(
                                PropertyGroups.empty()
                                        .set("SpanSource", "aws.region", "eu-west-1")
                                        .set("SpanSource", "aws.endpoint", "http://127.0.0.1:4567")
                                        .set("SpanSource", "reader", "efo")
                                        .set(
                                                "SpanSource",
                                                "efo.consumer.name",
                                                "trace-assembler-test")
                                        .set("SpanSource", "initial.position", "AT_TIMESTAMP")
                                        .set(
                                                "SpanSource",
                                                "initial.timestamp",
                                                "2026-01-01T00:00:00.123Z")));

        assertThat(props.getProperty("aws.region")).isEqualTo("eu-west-1");
        assertThat(props.getProperty("aws.endpoint")).isEqualTo("http://127.0.0.1:4567");
        assertThat(props.getProperty("aws.credentials.provider")).isEqualTo("BASIC");
        assertThat(props.getProperty(ConsumerConfigConstants.RECORD_PUBLISHER_TYPE))
                .isEqualTo("EFO");
        assertThat(props.getProperty(ConsumerConfigConstants.EFO_CONSUMER_NAME))
                .isEqualTo("trace-assembler-test");
        assertThat(props.getProperty(ConsumerConfigConstants.STREAM_INITIAL_POSITION))
                .isEqualTo("AT_TIMESTAMP");
        assertThat(props.getProperty(ConsumerConfigConstants.STREAM_INITIAL_TIMESTAMP))
                .isEqualTo("1767225600.123");
        KinesisConfigUtil.validateConsumerConfiguration(props);
    }

    private static TraceAssemblerConfig.SpanSource spanSource(PropertyGroups groups) {
        return TraceAssemblerConfig.from(groups).spanSource;
    }
}
