package io.traceassembler.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

/**
 * CloudWatch for tests (there is no emulator): a WireMock server on a free loopback port that speaks
 * what SDK 2.57 sends, Smithy RPC v2 CBOR, and decodes the PutMetricData requests it received.
 */
public final class CloudWatchStub implements AutoCloseable {
    public static final String PUT_METRIC_DATA = "/service/GraniteServiceVersion20100801/operation/PutMetricData";

    private final WireMockServer server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));

    /** Starts a stub that accepts every PutMetricData call. */
    public static CloudWatchStub accepting() {
        CloudWatchStub stub = started();
        stub.server.stubFor(putMetricData().willReturn(cbor(200)));
        return stub;
    }

    /** Starts a stub without any answer configured; add them with {@link #server()}. */
    public static CloudWatchStub started() {
        CloudWatchStub stub = new CloudWatchStub();
        stub.server.start();
        return stub;
    }

    public String endpoint() {
        return server.baseUrl();
    }

    public WireMockServer server() {
        return server;
    }

    public static MappingBuilder putMetricData() {
        return post(urlPathEqualTo(PUT_METRIC_DATA));
    }

    /** An RPC v2 CBOR response: the protocol header and an empty CBOR map. */
    public static ResponseDefinitionBuilder cbor(int status) {
        return aResponse().withStatus(status)
                .withHeader("smithy-protocol", "rpc-v2-cbor")
                .withHeader("Content-Type", "application/cbor")
                .withBody(new byte[] {(byte) 0xA0});
    }

    public List<LoggedRequest> requests() {
        return server.findAll(postRequestedFor(urlPathEqualTo(PUT_METRIC_DATA)));
    }

    /** The decoded bodies of all PutMetricData requests so far, in arrival order. */
    public List<JsonNode> requestBodies() {
        CBORMapper cbor = new CBORMapper();
        List<JsonNode> bodies = new ArrayList<>();
        for (LoggedRequest request : requests()) {
            if (!"rpc-v2-cbor".equals(request.getHeader("smithy-protocol"))) {
                throw new AssertionError("not an RPC v2 CBOR request: " + request);
            }
            try {
                bodies.add(cbor.readTree(gunzipIfNeeded(request.getBody())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bodies;
    }

    /** Every datum of every request so far. */
    public List<JsonNode> datums() {
        List<JsonNode> datums = new ArrayList<>();
        requestBodies().forEach(body -> body.get("MetricData").forEach(datums::add));
        return datums;
    }

    /** The SDK gzips bodies of 10 KB or more; WireMock may or may not have inflated them already. */
    private static byte[] gunzipIfNeeded(byte[] body) throws IOException {
        if (body.length > 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b) {
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                return in.readAllBytes();
            }
        }
        return body;
    }

    @Override
    public void close() {
        server.stop();
    }
}
