package io.traceassembler.ingest.format;

import io.traceassembler.model.Span;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.jaegertracing.api_v2.Model;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import zipkin2.Endpoint;
import zipkin2.codec.SpanBytesEncoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Records of the protobuf encodings made by the real libraries: OTel SDK spans (OTLP through the
 * SDK's own marshaler; Jaeger through the generated {@code jaeger.api_v2} classes, mapped as the
 * OpenTelemetry Jaeger exporter did), Zipkin spans through {@code SpanBytesEncoder.PROTO3}; and
 * what the decoder should make of them, computed from the libraries' values, not from the decoder.
 */
public final class ProtobufFixtures {
    /** 2026-01-05T10:00:00Z in nanoseconds. */
    static final long T0 = Instant.parse("2026-01-05T10:00:00Z").getEpochSecond() * 1_000_000_000L;

    private ProtobufFixtures() {}

    /**
     * OTel SDK spans of one trace: a server root (with a {@code messaging.system}, a non-string
     * {@code db.system} and an unrelated attribute), an erroneous client child with {@code
     * peer.service}, an internal grandchild.
     */
    public static List<SpanData> sdkSpans(String service, String rootName) {
        CapturingExporter exporter = new CapturingExporter();
        try (SdkTracerProvider provider =
                SdkTracerProvider.builder()
                        .setResource(
                                Resource.create(
                                        Attributes.of(
                                                AttributeKey.stringKey("service.name"), service)))
                        .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                        .build()) {
            Tracer tracer = provider.get("fixtures");
            long start = T0 + 1_999L;
            io.opentelemetry.api.trace.Span root =
                    tracer.spanBuilder(rootName)
                            .setSpanKind(SpanKind.SERVER)
                            .setAttribute("messaging.system", "kafka")
                            .setAttribute("db.system", 42L) // not a string: ignored
                            .setAttribute("db.statement", "SELECT 1") // not kept
                            .setStartTimestamp(start, TimeUnit.NANOSECONDS)
                            .startSpan();
            io.opentelemetry.api.trace.Span child =
                    tracer.spanBuilder("charge card")
                            .setSpanKind(SpanKind.CLIENT)
                            .setParent(Context.current().with(root))
                            .setAttribute("peer.service", "payments")
                            .setStartTimestamp(start + 1_000_000L, TimeUnit.NANOSECONDS)
                            .startSpan();
            io.opentelemetry.api.trace.Span grandchild =
                    tracer.spanBuilder("sign request")
                            .setParent(Context.current().with(child))
                            .setStartTimestamp(start + 1_500_001L, TimeUnit.NANOSECONDS)
                            .startSpan();
            grandchild.end(start + 1_700_999L, TimeUnit.NANOSECONDS);
            child.setStatus(StatusCode.ERROR, "card declined");
            child.end(start + 3_000_500L, TimeUnit.NANOSECONDS);
            root.end(start + 10_000_000L, TimeUnit.NANOSECONDS);
        }
        return exporter.spans;
    }

    /**
     * What the decoder should make of SDK spans in OTLP (times rounded down to microseconds; the
     * SDK's kind; the string attributes peer.service, db.system, messaging.system).
     */
    public static List<Span> expectedFromSdk(List<SpanData> spans) {
        List<Span> expected = new ArrayList<>();
        for (SpanData data : spans) {
            Span span =
                    new Span(
                            data.getTraceId(),
                            data.getSpanId(),
                            data.getParentSpanContext().isValid() ? data.getParentSpanId() : null,
                            data.getResource().getAttribute(AttributeKey.stringKey("service.name")),
                            data.getName(),
                            data.getStartEpochNanos() / 1000,
                            data.getEndEpochNanos() / 1000,
                            data.getStatus().getStatusCode() == StatusCode.ERROR);
            span.kind = io.traceassembler.model.SpanKind.valueOf(data.getKind().name());
            span.peerService = data.getAttributes().get(AttributeKey.stringKey("peer.service"));
            span.dbSystem = data.getAttributes().get(AttributeKey.stringKey("db.system"));
            span.messagingSystem =
                    data.getAttributes().get(AttributeKey.stringKey("messaging.system"));
            expected.add(span);
        }
        return expected;
    }

    /**
     * What the decoder should make of SDK spans sent as Jaeger protobuf: as in OTLP, but an
     * INTERNAL span has no {@code span.kind} tag in Jaeger (the OpenTelemetry to Jaeger mapping
     * drops it), so its kind is UNSPECIFIED.
     */
    public static List<Span> expectedFromJaeger(List<SpanData> spans) {
        List<Span> expected = expectedFromSdk(spans);
        for (Span span : expected) {
            if (span.kind == io.traceassembler.model.SpanKind.INTERNAL) {
                span.kind = io.traceassembler.model.SpanKind.UNSPECIFIED;
            }
        }
        return expected;
    }

    public static byte[] otlpProto(List<SpanData> spans) {
        try {
            ByteArrayOutputStream proto = new ByteArrayOutputStream();
            TraceRequestMarshaler.create(spans).writeBinaryTo(proto);
            return proto.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One {@code jaeger.api_v2.Span} with its Process, as the OpenTelemetry Jaeger exporter mapped
     * SDK spans: ids as bytes, the parent as a CHILD_OF reference, kind in {@code span.kind},
     * status in {@code otel.status_code} and {@code error} = true, attributes as tags of their type
     * (string, int64, float64, bool), resource attributes as process tags.
     */
    public static Model.Span jaegerSpan(SpanData data) {
        Model.Span.Builder span =
                Model.Span.newBuilder()
                        .setTraceId(ByteString.copyFrom(data.getSpanContext().getTraceIdBytes()))
                        .setSpanId(ByteString.copyFrom(data.getSpanContext().getSpanIdBytes()))
                        .setOperationName(data.getName())
                        .setStartTime(timestamp(data.getStartEpochNanos()))
                        .setDuration(duration(data.getEndEpochNanos() - data.getStartEpochNanos()));
        if (data.getParentSpanContext().isValid()) {
            span.addReferences(
                    Model.SpanRef.newBuilder()
                            .setTraceId(
                                    ByteString.copyFrom(
                                            data.getParentSpanContext().getTraceIdBytes()))
                            .setSpanId(
                                    ByteString.copyFrom(
                                            data.getParentSpanContext().getSpanIdBytes()))
                            .setRefType(Model.SpanRefType.CHILD_OF));
        }
        if (data.getKind() != SpanKind.INTERNAL) {
            span.addTags(stringTag("span.kind", data.getKind().name().toLowerCase(Locale.ROOT)));
        }
        if (data.getStatus().getStatusCode() != StatusCode.UNSET) {
            span.addTags(stringTag("otel.status_code", data.getStatus().getStatusCode().name()));
        }
        if (data.getStatus().getStatusCode() == StatusCode.ERROR) {
            span.addTags(
                    Model.KeyValue.newBuilder()
                            .setKey("error")
                            .setVType(Model.ValueType.BOOL)
                            .setVBool(true));
        }
        data.getAttributes().forEach((key, value) -> span.addTags(typedTag(key, value)));
        Model.Process.Builder process =
                Model.Process.newBuilder()
                        .setServiceName(
                                data.getResource()
                                        .getAttribute(AttributeKey.stringKey("service.name")));
        data.getResource()
                .getAttributes()
                .forEach(
                        (key, value) -> {
                            if (!"service.name".equals(key.getKey())) {
                                process.addTags(stringTag(key.getKey(), String.valueOf(value)));
                            }
                        });
        return span.setProcess(process).build();
    }

    public static byte[] jaegerProto(SpanData data) {
        return jaegerSpan(data).toByteArray();
    }

    static Model.KeyValue.Builder typedTag(AttributeKey<?> key, Object value) {
        Model.KeyValue.Builder tag = Model.KeyValue.newBuilder().setKey(key.getKey());
        switch (key.getType()) {
            case LONG:
                return tag.setVType(Model.ValueType.INT64).setVInt64((Long) value);
            case DOUBLE:
                return tag.setVType(Model.ValueType.FLOAT64).setVFloat64((Double) value);
            case BOOLEAN:
                return tag.setVType(Model.ValueType.BOOL).setVBool((Boolean) value);
            default:
                return tag.setVType(Model.ValueType.STRING).setVStr(String.valueOf(value));
        }
    }

    static Model.KeyValue.Builder stringTag(String key, String value) {
        return Model.KeyValue.newBuilder()
                .setKey(key)
                .setVType(Model.ValueType.STRING)
                .setVStr(value);
    }

    static Timestamp timestamp(long epochNanos) {
        return Timestamp.newBuilder()
                .setSeconds(epochNanos / 1_000_000_000L)
                .setNanos((int) (epochNanos % 1_000_000_000L))
                .build();
    }

    static Duration duration(long nanos) {
        return Duration.newBuilder()
                .setSeconds(nanos / 1_000_000_000L)
                .setNanos((int) (nanos % 1_000_000_000L))
                .build();
    }

    /**
     * Zipkin spans of one B3 trace, built with the Zipkin library: a client root, the server half
     * of the same RPC ({@code shared}, other service), its erroneous child with a 64-bit trace id
     * style parent (with db.system, a peer.service tag and a remote endpoint: the tag wins), and a
     * span without kind and duration.
     */
    public static List<zipkin2.Span> zipkinSpans(String traceId, String rootName) {
        long t = T0 / 1000 + 1;
        Endpoint frontend =
                Endpoint.newBuilder().serviceName("frontend").ip("10.0.0.1").port(8080).build();
        Endpoint backend = Endpoint.newBuilder().serviceName("backend").build();
        return List.of(
                zipkin2.Span.newBuilder()
                        .traceId(traceId)
                        .id("a2fb4a1d1a96d312")
                        .name(rootName)
                        .kind(zipkin2.Span.Kind.CLIENT)
                        .timestamp(t)
                        .duration(207_000L)
                        .localEndpoint(frontend)
                        .remoteEndpoint(Endpoint.newBuilder().serviceName("backend").build())
                        .putTag("http.path", "/api")
                        .build(),
                zipkin2.Span.newBuilder()
                        .traceId(traceId)
                        .id("a2fb4a1d1a96d312")
                        .name(rootName)
                        .kind(zipkin2.Span.Kind.SERVER)
                        .shared(true)
                        .timestamp(t + 1_000)
                        .duration(205_000L)
                        .localEndpoint(backend)
                        .build(),
                zipkin2.Span.newBuilder()
                        .traceId(traceId)
                        .parentId("a2fb4a1d1a96d312")
                        .id("0000000000000003")
                        .name("select")
                        .kind(zipkin2.Span.Kind.CLIENT)
                        .timestamp(t + 2_000)
                        .duration(100_000L)
                        .localEndpoint(backend)
                        .remoteEndpoint(Endpoint.newBuilder().serviceName("pg-primary").build())
                        .putTag("error", "timeout")
                        .putTag("db.system", "postgresql")
                        .putTag("peer.service", "orders-db")
                        .build(),
                zipkin2.Span.newBuilder()
                        .traceId(traceId)
                        .parentId("a2fb4a1d1a96d312")
                        .id("0000000000000004")
                        .name("no duration")
                        .timestamp(t + 3_000)
                        .localEndpoint(backend)
                        .addAnnotation(t + 3_001, "cache miss")
                        .build());
    }

    public static byte[] zipkinProto(List<zipkin2.Span> spans) {
        return SpanBytesEncoder.PROTO3.encodeList(spans);
    }

    /**
     * What the decoder should make of Zipkin spans: the library's kind and shared flag, the tags
     * peer.service (else the remote endpoint's service), db.system and messaging.system.
     */
    public static List<Span> expectedFromZipkin(List<zipkin2.Span> spans) {
        List<Span> expected = new ArrayList<>();
        for (zipkin2.Span span : spans) {
            expected.add(
                    new Span(
                            span.traceId(),
                            span.id(),
                            span.parentId(),
                            span.localServiceName() == null ? "unknown" : span.localServiceName(),
                            span.name(),
                            span.timestampAsLong(),
                            span.timestampAsLong() + span.durationAsLong(),
                            span.tags().containsKey("error")));
            Span last = expected.get(expected.size() - 1);
            last.kind =
                    span.kind() == null
                            ? io.traceassembler.model.SpanKind.UNSPECIFIED
                            : io.traceassembler.model.SpanKind.valueOf(span.kind().name());
            last.shared = Boolean.TRUE.equals(span.shared());
            last.peerService = span.tags().getOrDefault("peer.service", span.remoteServiceName());
            last.dbSystem = span.tags().get("db.system");
            last.messagingSystem = span.tags().get("messaging.system");
        }
        return expected;
    }

    static final class CapturingExporter implements SpanExporter {
        final List<SpanData> spans = new ArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
