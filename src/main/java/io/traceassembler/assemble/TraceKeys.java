package io.traceassembler.assemble;

/**
 * The keys of an emitted trace's map states (span ids and services), written once when the trace is
 * emitted and its keys are known from {@link TraceCache}: its cleanup then deletes exactly these keys
 * (point deletes) instead of clearing the maps, which on RocksDB is a prefix seek and an iteration per
 * map. Valid only while {@link TraceProgress#keysRecorded} is set (any stored span clears it).
 *
 * <p>A Flink POJO (no Kryo).
 */
public class TraceKeys {
    public String[] spanIds;
    public String[] services;

    public TraceKeys() {}

    TraceKeys(String[] spanIds, String[] services) {
        this.spanIds = spanIds;
        this.services = services;
    }
}
