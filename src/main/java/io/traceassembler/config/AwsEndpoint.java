package io.traceassembler.config;

import java.io.Serializable;
import java.util.Objects;

/**
 * Where the AWS clients of one property group go: the {@code aws.region} and {@code aws.endpoint}
 * pair that every group with an AWS client declares (see {@link AwsOptions}). An endpoint is set
 * for emulators and test stubs only.
 */
public final class AwsEndpoint implements Serializable {
    private static final long serialVersionUID = 1L;

    public final String region;

    /** The endpoint override, or null for the service's own endpoint in {@link #region}. */
    public final String endpoint;

    public AwsEndpoint(String region, String endpoint) {
        this.region = Objects.requireNonNull(region, "region");
        this.endpoint = endpoint == null || endpoint.isBlank() ? null : endpoint;
    }

    public boolean hasEndpoint() {
        return endpoint != null;
    }

    /** Where a client with these settings goes, for error messages. */
    @Override
    public String toString() {
        return hasEndpoint() ? "region " + region + " at endpoint " + endpoint : "region " + region;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AwsEndpoint
                && region.equals(((AwsEndpoint) o).region)
                && Objects.equals(endpoint, ((AwsEndpoint) o).endpoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(region, endpoint);
    }
}
