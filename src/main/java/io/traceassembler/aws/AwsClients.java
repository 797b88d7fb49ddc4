package io.traceassembler.aws;

import io.traceassembler.config.AwsEndpoint;

import org.apache.flink.connector.aws.config.AWSConfigConstants;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

import java.net.URI;
import java.util.Properties;

/**
 * The one place that decides how an AWS client reaches its service: the region, and, when an
 * endpoint is configured (the {@code aws.endpoint} keys exist for emulators and the CloudWatch test
 * stub only), the endpoint override with static dummy credentials, so a local run never looks for
 * real credentials. Without an endpoint the SDK's default credentials chain applies (the Managed
 * Flink application role).
 */
public final class AwsClients {
    /**
     * Emulators accept any key; these make it obvious in logs that no real credentials are in play.
     */
    public static final String EMULATOR_ACCESS_KEY_ID = "local";

    public static final String EMULATOR_SECRET_KEY = "local";

    private AwsClients() {}

    /**
     * Applies region, and endpoint plus dummy credentials when an endpoint is set, to an SDK v2
     * builder.
     */
    public static <B extends AwsClientBuilder<B, C>, C> B configure(B builder, AwsEndpoint aws) {
        builder.region(Region.of(aws.region));
        if (aws.hasEndpoint()) {
            builder.endpointOverride(URI.create(aws.endpoint));
            builder.credentialsProvider(
                    StaticCredentialsProvider.create(
                            AwsBasicCredentials.create(
                                    EMULATOR_ACCESS_KEY_ID, EMULATOR_SECRET_KEY)));
        }
        return builder;
    }

    /** Builds a sync or async SDK v2 client; see {@link #configure}. */
    public static <B extends AwsClientBuilder<B, C>, C> C build(B builder, AwsEndpoint aws) {
        return configure(builder, aws).build();
    }

    /**
     * The same decisions as client properties of the Flink AWS connectors ({@link
     * AWSConfigConstants}). An {@code http://} endpoint (emulators) also needs HTTP/1.1: the
     * connectors default to HTTP/2, which the emulators do not speak in clear text.
     */
    public static Properties connectorProperties(AwsEndpoint aws) {
        Properties props = new Properties();
        props.setProperty(AWSConfigConstants.AWS_REGION, aws.region);
        if (aws.hasEndpoint()) {
            props.setProperty(AWSConfigConstants.AWS_ENDPOINT, aws.endpoint);
            props.setProperty(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER, "BASIC");
            props.setProperty(AWSConfigConstants.AWS_ACCESS_KEY_ID, EMULATOR_ACCESS_KEY_ID);
            props.setProperty(AWSConfigConstants.AWS_SECRET_ACCESS_KEY, EMULATOR_SECRET_KEY);
            props.setProperty(AWSConfigConstants.TRUST_ALL_CERTIFICATES, "true");
            if (aws.endpoint.startsWith("http://")) {
                props.setProperty(AWSConfigConstants.HTTP_PROTOCOL_VERSION, "HTTP1_1");
            }
        }
        return props;
    }
}
