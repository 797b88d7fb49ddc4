package io.traceassembler.sink;

import java.io.Serializable;

/**
 * A datum in the CloudWatch sink's buffer, with the number of PutMetricData attempts made for it.
 */
public final class CloudWatchDatumEntry implements Serializable {
    private static final long serialVersionUID = 1L;

    final MetricDatumRecord datum;

    /** Counted when a request is sent, so writer-level timeouts count as attempts too. */
    int attempts;

    CloudWatchDatumEntry(MetricDatumRecord datum, int attempts) {
        this.datum = datum;
        this.attempts = attempts;
    }

    public MetricDatumRecord datum() {
        return datum;
    }

    public int attempts() {
        return attempts;
    }
}
