package io.traceassembler.generate;

import java.util.LinkedHashMap;
import java.util.Map;

/** PLACEHOLDER (replaced by the ingest branch): one generated span, public fields. */
public class GeneratedSpan {
    public String traceId;
    public String spanId;
    public String parentSpanId;
    public String operationName;
    public String serviceName;
    public String kind;
    public long startEpochNanos;
    public long endEpochNanos;
    public String status;
    public Map<String, String> tags = new LinkedHashMap<>();

    public GeneratedSpan() {}
}
