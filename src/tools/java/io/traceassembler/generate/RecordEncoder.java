package io.traceassembler.generate;

import io.traceassembler.ingest.format.KplDeaggregator;
import io.traceassembler.model.HexIds;

import org.apache.flink.kinesis.shaded.com.amazonaws.services.kinesis.producer.protobuf.Messages;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.jaegertracing.api_v2.Model;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesEncoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Encodes spans into stream records exactly as producers do, with the producers' own libraries
 * where they exist: the OpenTelemetry SDK's OTLP exporter marshalers, Zipkin's {@code
 * SpanBytesEncoder} (JSON v2 and PROTO3), the {@code jaeger.api_v2} classes generated from Jaeger's
 * {@code model.proto}, the KPL's {@code AggregatedRecord} message; the seed's native JSON shapes
 * with Jackson.
 */
public final class RecordEncoder {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter PYTHON_ISO_SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
    private static final InstrumentationScopeInfo SCOPE =
            InstrumentationScopeInfo.create("trace-assembler-generator");

    private RecordEncoder() {}

    /**
     * One record holding these spans; for the native encodings a single span is an object, several
     * an array. A {@link Encoding#JAEGER_PROTO} record holds exactly one span.
     */
    public static byte[] encode(List<GeneratedSpan> spans, Encoding encoding) {
        try {
            switch (encoding) {
                case NATIVE_SPAN:
                case NATIVE_KINESIS_RECORD:
                    return encodeNative(spans, encoding);
                case OTLP_PROTO:
                    return otlpMarshaler(spans).toBinary();
                case OTLP_JSON:
                    return otlpMarshaler(spans).toJson();
                case ZIPKIN_JSON:
                    return SpanBytesEncoder.JSON_V2.encodeList(zipkinSpans(spans));
                case ZIPKIN_PROTO:
                    return SpanBytesEncoder.PROTO3.encodeList(zipkinSpans(spans));
                case JAEGER_PROTO:
                    if (spans.size() != 1) {
                        throw new IllegalArgumentException(
                                "a jaeger_proto record holds one span, not " + spans.size());
                    }
                    return jaegerSpan(spans.get(0)).toByteArray();
                default:
                    throw new IllegalArgumentException("unknown encoding " + encoding);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] compress(byte[] data, Compression compression) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            switch (compression) {
                case NONE:
                    return data.clone();
                case GZIP:
                case GZIP_NO_TRAILER:
                    try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
                        gzip.write(data);
                    }
                    byte[] gzipped = bytes.toByteArray();
                    return compression == Compression.GZIP
                            ? gzipped
                            : java.util.Arrays.copyOf(gzipped, gzipped.length - 8);
                case ZLIB:
                    try (DeflaterOutputStream zlib =
                            new DeflaterOutputStream(bytes, new Deflater())) {
                        zlib.write(data);
                    }
                    return bytes.toByteArray();
                case DEFLATE:
                    try (DeflaterOutputStream deflate =
                            new DeflaterOutputStream(
                                    bytes, new Deflater(Deflater.DEFAULT_COMPRESSION, true))) {
                        deflate.write(data);
                    }
                    return bytes.toByteArray();
                default:
                    throw new IllegalArgumentException("unknown compression " + compression);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Aggregates user records as the Kinesis Producer Library does: magic, the KPL's own {@code
     * AggregatedRecord} protobuf message (generated class shipped, shaded, in
     * flink-connector-kinesis), then the MD5 of that message.
     */
    public static byte[] kplAggregate(List<byte[]> records, List<String> partitionKeys) {
        if (records.size() != partitionKeys.size()) {
            throw new IllegalArgumentException("one partition key per record is needed");
        }
        Messages.AggregatedRecord.Builder aggregate = Messages.AggregatedRecord.newBuilder();
        Map<String, Integer> keyIndex = new HashMap<>();
        for (int i = 0; i < records.size(); i++) {
            String key = partitionKeys.get(i);
            Integer index = keyIndex.get(key);
            if (index == null) {
                index = keyIndex.size();
                keyIndex.put(key, index);
                aggregate.addPartitionKeyTable(key);
            }
            aggregate.addRecords(
                    Messages.Record.newBuilder()
                            .setPartitionKeyIndex(index)
                            .setData(
                                    org.apache.flink.kinesis.shaded.com.google.protobuf.ByteString
                                            .copyFrom(records.get(i))));
        }
        byte[] message = aggregate.build().toByteArray();
        byte[] md5;
        try {
            md5 = MessageDigest.getInstance("MD5").digest(message);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] magic = KplDeaggregator.KPL_MAGIC;
        byte[] out = new byte[magic.length + message.length + md5.length];
        System.arraycopy(magic, 0, out, 0, magic.length);
        System.arraycopy(message, 0, out, magic.length, message.length);
        System.arraycopy(md5, 0, out, magic.length + message.length, md5.length);
        return out;
    }

    /**
     * Python's {@code datetime.isoformat()} of a naive UTC time: microseconds only when non-zero.
     */
    public static String pythonIsoFormat(long epochNanos) {
        long micros = Math.floorDiv(epochNanos, 1000L);
        long seconds = Math.floorDiv(micros, 1_000_000L);
        int microsOfSecond = (int) Math.floorMod(micros, 1_000_000L);
        String text =
                LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC).format(PYTHON_ISO_SECONDS);
        return microsOfSecond == 0
                ? text
                : text + String.format(Locale.ROOT, ".%06d", microsOfSecond);
    }

    /**
     * The seed's {@code duration_ms}: {@code (end - start).total_seconds() * 1000} on microsecond
     * datetimes.
     */
    public static double pythonDurationMillis(GeneratedSpan span) {
        long micros =
                Math.floorDiv(span.endEpochNanos, 1000L)
                        - Math.floorDiv(span.startEpochNanos, 1000L);
        return micros / 1e6 * 1000;
    }

    // ---------------------------------------------------------------- native JSON

    private static byte[] encodeNative(List<GeneratedSpan> spans, Encoding encoding)
            throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(bytes)) {
            if (spans.size() != 1) {
                json.writeStartArray();
            }
            for (GeneratedSpan span : spans) {
                if (encoding == Encoding.NATIVE_SPAN) {
                    writeNativeSpan(json, span);
                } else {
                    writeNativeKinesisRecord(json, span);
                }
            }
            if (spans.size() != 1) {
                json.writeEndArray();
            }
        }
        return bytes.toByteArray();
    }

    /** Field order of the seed's {@code Span} dataclass, as {@code asdict} yields it. */
    private static void writeNativeSpan(JsonGenerator json, GeneratedSpan span) throws IOException {
        json.writeStartObject();
        json.writeStringField("trace_id", span.traceId);
        json.writeStringField("span_id", span.spanId);
        json.writeStringField("parent_span_id", span.parentSpanId);
        json.writeStringField("operation_name", span.operationName);
        json.writeStringField("service_name", span.serviceName);
        json.writeStringField("span_kind", span.kind);
        json.writeStringField("start_time", pythonIsoFormat(span.startEpochNanos));
        json.writeStringField("end_time", pythonIsoFormat(span.endEpochNanos));
        json.writeNumberField("duration_ms", pythonDurationMillis(span));
        json.writeStringField("status", span.status);
        writeTags(json, span.tags);
        json.writeArrayFieldStart("logs");
        json.writeEndArray();
        json.writeObjectFieldStart("baggage");
        json.writeEndObject();
        json.writeEndObject();
    }

    /** The dict that the seed's {@code _send_span_to_kinesis} builds. */
    private static void writeNativeKinesisRecord(JsonGenerator json, GeneratedSpan span)
            throws IOException {
        json.writeStartObject();
        json.writeStringField("trace_id", span.traceId);
        json.writeStringField("span_id", span.spanId);
        json.writeStringField("parent_span_id", span.parentSpanId);
        json.writeStringField("operation_name", span.operationName);
        json.writeStringField("service_name", span.serviceName);
        json.writeNumberField("duration_ms", pythonDurationMillis(span));
        json.writeStringField("status", span.status);
        writeTags(json, span.tags);
        json.writeStringField("timestamp", pythonIsoFormat(span.startEpochNanos));
        json.writeEndObject();
    }

    private static void writeTags(JsonGenerator json, Map<String, String> tags) throws IOException {
        json.writeObjectFieldStart("tags");
        if (tags != null) {
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                json.writeStringField(tag.getKey(), tag.getValue());
            }
        }
        json.writeEndObject();
    }

    // ---------------------------------------------------------------- Zipkin

    /** Zipkin v2 spans as a reporter builds them; both Zipkin encodings encode these. */
    private static List<zipkin2.Span> zipkinSpans(List<GeneratedSpan> spans) {
        List<zipkin2.Span> zipkinSpans = new ArrayList<>(spans.size());
        for (GeneratedSpan span : spans) {
            // Zipkin has microsecond times: derive the duration from the rounded-down ends, as a
            // reporter would.
            long startMicros = Math.floorDiv(span.startEpochNanos, 1000L);
            long endMicros = Math.floorDiv(span.endEpochNanos, 1000L);
            zipkin2.Span.Builder builder =
                    zipkin2.Span.newBuilder()
                            .traceId(span.traceId)
                            .id(span.spanId)
                            .parentId(span.parentSpanId)
                            .name(span.operationName)
                            .kind(zipkinKind(span.kind))
                            .timestamp(startMicros)
                            .duration(endMicros - startMicros)
                            .localEndpoint(
                                    Endpoint.newBuilder().serviceName(span.serviceName).build());
            if (span.shared) {
                // A B3 server half, as Brave reports it: the client's id, marked shared.
                builder.shared(true);
            }
            if (span.tags != null) {
                span.tags.forEach(builder::putTag);
            }
            if (span.isError()) {
                builder.putTag(
                        "error",
                        span.tags != null && span.tags.containsKey("error.message")
                                ? span.tags.get("error.message")
                                : "error");
            }
            zipkinSpans.add(builder.build());
        }
        return zipkinSpans;
    }

    private static zipkin2.Span.Kind zipkinKind(String kind) {
        switch (kind == null ? "internal" : kind) {
            case "server":
                return zipkin2.Span.Kind.SERVER;
            case "client":
                return zipkin2.Span.Kind.CLIENT;
            case "producer":
                return zipkin2.Span.Kind.PRODUCER;
            case "consumer":
                return zipkin2.Span.Kind.CONSUMER;
            default:
                return null; // Zipkin leaves local (internal) spans without a kind
        }
    }

    // ---------------------------------------------------------------- Jaeger

    /**
     * One {@code jaeger.api_v2.Span} with its {@code Process}, as the OpenTelemetry Collector's
     * Jaeger translator writes it for the awskinesis exporter: ids as 16 and 8 bytes, the parent as
     * a {@code CHILD_OF} reference, start as a Timestamp and the duration as a Duration (both to
     * the nanosecond), the kind in {@code span.kind} (none for internal spans), an error as {@code
     * error} = true with {@code otel.status_code} = ERROR, the span's other tags as string tags,
     * the service in {@code process.service_name}.
     */
    private static final Set<String> JAEGER_SPAN_TAGS =
            Set.of("span.kind", "error", "otel.status_code");

    static Model.Span jaegerSpan(GeneratedSpan span) {
        ByteString traceId = idBytes(span.traceId);
        Model.Span.Builder builder =
                Model.Span.newBuilder()
                        .setTraceId(traceId)
                        .setSpanId(idBytes(span.spanId))
                        .setOperationName(span.operationName)
                        .setStartTime(
                                Timestamp.newBuilder()
                                        .setSeconds(
                                                Math.floorDiv(span.startEpochNanos, 1_000_000_000L))
                                        .setNanos(
                                                (int)
                                                        Math.floorMod(
                                                                span.startEpochNanos,
                                                                1_000_000_000L)))
                        .setDuration(
                                Duration.newBuilder()
                                        .setSeconds(
                                                (span.endEpochNanos - span.startEpochNanos)
                                                        / 1_000_000_000L)
                                        .setNanos(
                                                (int)
                                                        ((span.endEpochNanos - span.startEpochNanos)
                                                                % 1_000_000_000L)));
        if (span.parentSpanId != null) {
            builder.addReferences(
                    Model.SpanRef.newBuilder()
                            .setTraceId(traceId)
                            .setSpanId(idBytes(span.parentSpanId))
                            .setRefType(Model.SpanRefType.CHILD_OF));
        }
        if (span.kind != null && !"internal".equals(span.kind)) {
            builder.addTags(jaegerStringTag("span.kind", span.kind));
        }
        if (span.isError()) {
            builder.addTags(jaegerStringTag("otel.status_code", "ERROR"));
            builder.addTags(
                    Model.KeyValue.newBuilder()
                            .setKey("error")
                            .setVType(Model.ValueType.BOOL)
                            .setVBool(true));
        }
        if (span.tags != null) {
            span.tags.forEach(
                    (key, value) -> {
                        if (!JAEGER_SPAN_TAGS.contains(
                                key)) { // those come from the span's kind and status
                            builder.addTags(jaegerStringTag(key, value));
                        }
                    });
        }
        return builder.setProcess(Model.Process.newBuilder().setServiceName(span.serviceName))
                .build();
    }

    private static Model.KeyValue.Builder jaegerStringTag(String key, String value) {
        return Model.KeyValue.newBuilder()
                .setKey(key)
                .setVType(Model.ValueType.STRING)
                .setVStr(value);
    }

    /**
     * The bytes of a 16- or 32-digit lower-case hex id, big-endian, as Jaeger and OTLP carry ids.
     */
    static ByteString idBytes(String hexId) {
        int longs;
        if (HexIds.isLowerHex(hexId, 16)) {
            longs = 1;
        } else if (HexIds.isLowerHex(hexId, 32)) {
            longs = 2;
        } else {
            throw new IllegalArgumentException("not a 16- or 32-digit lower-case hex id: " + hexId);
        }
        byte[] bytes = new byte[8 * longs];
        for (int i = 0; i < longs; i++) {
            long value = HexIds.parse(hexId, 16 * i);
            for (int b = 7; b >= 0; b--) {
                bytes[8 * i + b] = (byte) value;
                value >>>= 8;
            }
        }
        return ByteString.copyFrom(bytes);
    }

    // ---------------------------------------------------------------- OTLP

    /**
     * The SDK marshaler groups spans by resource in a hash map whose order changes from run to run;
     * marshalling one resource (service) at a time, in first-seen order, keeps the bytes
     * reproducible. Protobuf messages concatenate into one whose repeated {@code resource_spans}
     * holds them all.
     */
    private static final class OtlpMarshaler {
        private static final byte[] JSON_PREFIX =
                "{\"resourceSpans\":[".getBytes(StandardCharsets.UTF_8);
        private static final byte[] JSON_SUFFIX = "]}".getBytes(StandardCharsets.UTF_8);

        final List<TraceRequestMarshaler> perResource;

        OtlpMarshaler(List<TraceRequestMarshaler> perResource) {
            this.perResource = perResource;
        }

        byte[] toBinary() throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (TraceRequestMarshaler marshaler : perResource) {
                marshaler.writeBinaryTo(bytes);
            }
            return bytes.toByteArray();
        }

        byte[] toJson() throws IOException {
            ByteArrayOutputStream joined = new ByteArrayOutputStream();
            joined.write(JSON_PREFIX);
            for (int i = 0; i < perResource.size(); i++) {
                ByteArrayOutputStream one = new ByteArrayOutputStream();
                perResource.get(i).writeJsonTo(one);
                byte[] json = one.toByteArray();
                int innerLength = json.length - JSON_PREFIX.length - JSON_SUFFIX.length;
                if (!startsWith(json, JSON_PREFIX) || innerLength < 0) {
                    throw new IOException("unexpected OTLP JSON from the SDK marshaler");
                }
                if (i > 0) {
                    joined.write(',');
                }
                joined.write(json, JSON_PREFIX.length, innerLength);
            }
            joined.write(JSON_SUFFIX);
            return joined.toByteArray();
        }

        private static boolean startsWith(byte[] data, byte[] prefix) {
            if (data.length < prefix.length) {
                return false;
            }
            for (int i = 0; i < prefix.length; i++) {
                if (data[i] != prefix[i]) {
                    return false;
                }
            }
            return true;
        }
    }

    private static OtlpMarshaler otlpMarshaler(List<GeneratedSpan> spans) {
        Map<String, List<SpanData>> byService = new LinkedHashMap<>();
        Map<String, Resource> resources = new LinkedHashMap<>();
        for (GeneratedSpan span : spans) {
            Resource resource =
                    resources.computeIfAbsent(
                            span.serviceName,
                            name -> Resource.create(Attributes.of(SERVICE_NAME, name)));
            byService
                    .computeIfAbsent(span.serviceName, name -> new ArrayList<>())
                    .add(new GeneratedSpanData(span, resource));
        }
        List<TraceRequestMarshaler> perResource = new ArrayList<>(byService.size());
        byService.values().forEach(group -> perResource.add(TraceRequestMarshaler.create(group)));
        return new OtlpMarshaler(perResource);
    }

    /** {@link SpanData} of a finished span, as the SDK hands it to its exporters. */
    private static final class GeneratedSpanData implements SpanData {
        private final GeneratedSpan span;
        private final Resource resource;
        private final Attributes attributes;

        GeneratedSpanData(GeneratedSpan span, Resource resource) {
            this.span = span;
            this.resource = resource;
            AttributesBuilder builder = Attributes.builder();
            if (span.tags != null) {
                span.tags.forEach(builder::put);
            }
            this.attributes = builder.build();
        }

        @Override
        public String getName() {
            return span.operationName;
        }

        @Override
        public SpanKind getKind() {
            return span.kind == null
                    ? SpanKind.INTERNAL
                    : SpanKind.valueOf(span.kind.toUpperCase(Locale.ROOT));
        }

        @Override
        public SpanContext getSpanContext() {
            return SpanContext.create(
                    span.traceId, span.spanId, TraceFlags.getSampled(), TraceState.getDefault());
        }

        @Override
        public SpanContext getParentSpanContext() {
            return span.parentSpanId == null
                    ? SpanContext.getInvalid()
                    : SpanContext.create(
                            span.traceId,
                            span.parentSpanId,
                            TraceFlags.getSampled(),
                            TraceState.getDefault());
        }

        @Override
        public StatusData getStatus() {
            switch (span.status == null ? "" : span.status) {
                case "error":
                    return StatusData.create(StatusCode.ERROR, "error");
                case "ok":
                    return StatusData.ok();
                default:
                    return StatusData.unset(); // timeout/cancelled are not errors in the contract
            }
        }

        @Override
        public long getStartEpochNanos() {
            return span.startEpochNanos;
        }

        @Override
        public Attributes getAttributes() {
            return attributes;
        }

        @Override
        public List<EventData> getEvents() {
            return Collections.emptyList();
        }

        @Override
        public List<LinkData> getLinks() {
            return Collections.emptyList();
        }

        @Override
        public long getEndEpochNanos() {
            return span.endEpochNanos;
        }

        @Override
        public boolean hasEnded() {
            return true;
        }

        @Override
        public int getTotalRecordedEvents() {
            return 0;
        }

        @Override
        public int getTotalRecordedLinks() {
            return 0;
        }

        @Override
        public int getTotalAttributeCount() {
            return attributes.size();
        }

        @Override
        @SuppressWarnings("deprecation")
        public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
            return InstrumentationLibraryInfo.create(SCOPE.getName(), null);
        }

        @Override
        public InstrumentationScopeInfo getInstrumentationScopeInfo() {
            return SCOPE;
        }

        @Override
        public Resource getResource() {
            return resource;
        }
    }
}
