package io.traceassembler.query;

import io.traceassembler.CommandVersion;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code query trace TRACE_ID}: one trace summary by id (GetItem). Exit 1 when there is none. */
@Command(
        name = "trace",
        mixinStandardHelpOptions = true,
        versionProvider = CommandVersion.class,
        sortOptions = false,
        description = "Prints one trace summary: its fields, or the replay JSON line with --json.")
final class TraceCommand implements Callable<Integer> {
    private final QueryTuning tuning;

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TRACE_ID", description = "The trace id (hex).")
    String traceId;

    @Option(names = "--json", description = "The item as one JSON line (the replay trace line).")
    boolean json;

    @Mixin StoreOptions store = new StoreOptions();

    TraceCommand(QueryTuning tuning) {
        this.tuning = tuning;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (TraceStoreAccess access = TraceStoreAccess.open(store, tuning)) {
            Map<String, AttributeValue> item = new TraceQueries(access, null).get(traceId);
            if (item == null) {
                spec.commandLine()
                        .getErr()
                        .println(
                                "query: no trace '"
                                        + traceId
                                        + "' in table '"
                                        + access.tableName()
                                        + "'");
                return 1;
            }
            if (json) {
                out.println(ItemJson.toJsonLine(item));
            } else {
                TraceTableFormat.details(item).forEach(out::println);
            }
            out.flush();
            return 0;
        }
    }
}
