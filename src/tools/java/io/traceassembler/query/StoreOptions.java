package io.traceassembler.query;

import io.traceassembler.ConfigFlags;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where the trace table is: the {@code run} command's configuration, or the local stack's. */
final class StoreOptions {
    @Mixin ConfigFlags configFlags = new ConfigFlags();

    @Option(
            names = "--local",
            description =
                    "Query what the last scripts/run-local.sh stored (target/local-run/dynamodb): starts "
                            + "dynalite on that data, answers and stops it. Takes the TraceStore settings of "
                            + "flink-conf/application-properties-local.json (--set still applies).")
    boolean local;
}
