package io.traceassembler.ingest;

import io.traceassembler.model.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.connectors.kinesis.serialization.KinesisDeserializationSchema;

/**
 * Keeps a Kinesis record's bytes undecoded, with its stream, shard and sequence number, so that
 * decoding happens in {@link DecodeSpans} (one record may hold many spans, and a bad record must
 * become a dead letter that points back at it rather than fail the source). KPL aggregates arrive
 * here already de-aggregated by the connector: each user record is one call, with its aggregate's
 * sequence number.
 */
public class KinesisRecordSchema implements KinesisDeserializationSchema<RawRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public RawRecord deserialize(
            byte[] recordValue,
            String partitionKey,
            String seqNum,
            long approxArrivalTimestamp,
            String stream,
            String shardId) {
        return new RawRecord(recordValue, stream, shardId, seqNum);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }
}
