package io.traceassembler.query;

import io.traceassembler.CommandVersion;

import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code query traces}: the newest traces of a root service, an insight or a root-cause service,
 * read through the table's GSIs (a Query per index partition, newest first, page by page until
 * {@code --limit}); the whole table only with {@code --scan}.
 */
@Command(
        name = "traces",
        mixinStandardHelpOptions = true,
        versionProvider = CommandVersion.class,
        sortOptions = false,
        description = {
            "Lists the newest traces that match one filter, read through the table's indexes:"
                    + " --service (by-root-service), --insight (by-insight), --root-cause (by-root-cause).",
            "--insight T lists every trace whose insights contain T, also those whose primary (most severe)"
                    + " insight is another: by-insight is read under T and under each more severe type"
                    + " (trace_errors > slow_trace > high_service_count), keeping the traces that have T."
        },
        footer = {
            "",
            "Times: ISO-8601 (2026-01-05T10:00:00Z, 2026-01-05T12:00:00+02:00, 2026-01-05 for its start in"
                    + " UTC); --since takes 30m, 1h, 2d, 1h30m (ms, s, m, h, d). They bound the trace start.",
            "Without --scan a filter is required: no full table scan happens unless asked for."
        })
final class TracesCommand implements Callable<Integer> {
    static final int DEFAULT_LIMIT = 20;

    private final QueryTuning tuning;
    private final Clock clock;

    @Spec CommandSpec spec;

    /** At most one filter. */
    static final class Filter {
        @Option(
                names = "--service",
                paramLabel = "S",
                description = "Traces whose root span is in service S (index by-root-service).")
        String service;

        @Option(
                names = "--insight",
                paramLabel = "TYPE",
                description =
                        "Traces with insight TYPE: slow_trace, trace_errors, high_service_count (index by-insight).")
        String insight;

        @Option(
                names = "--root-cause",
                paramLabel = "S",
                description =
                        "Traces whose error root cause is in service S (index by-root-cause).")
        String rootCause;
    }

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Filter filter;

    @Option(
            names = "--since",
            paramLabel = "DURATION",
            description = "Traces started in the last DURATION, e.g. 30m, 1h, 2d.")
    String since;

    @Option(
            names = "--from",
            paramLabel = "TIME",
            description = "Traces started at or after TIME (ISO-8601).")
    String from;

    @Option(
            names = "--to",
            paramLabel = "TIME",
            description = "Traces started at or before TIME (ISO-8601).")
    String to;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "At most N traces, the newest (default ${DEFAULT-VALUE}).")
    int limit = DEFAULT_LIMIT;

    @Option(
            names = "--json",
            description = "One JSON line per trace (the replay trace line) instead of a table.")
    boolean json;

    @Option(
            names = "--scan",
            description =
                    "Read the whole table (a Scan: every item is read and billed), e.g. without a filter"
                            + " or when an index is missing.")
    boolean scan;

    @Mixin StoreOptions store = new StoreOptions();

    TracesCommand(QueryTuning tuning, Clock clock) {
        this.tuning = tuning;
        this.clock = clock;
    }

    @Override
    public Integer call() {
        TraceFilter traceFilter = traceFilter();
        TimeRange range = TimeRange.parse(since, from, to, clock.instant());
        if (limit < 1) {
            throw new QueryException("--limit must be at least 1, not " + limit);
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (TraceStoreAccess access = TraceStoreAccess.open(store, tuning)) {
            TraceQueries queries = new TraceQueries(access, tuning.pageSize);
            Iterator<Map<String, AttributeValue>> items;
            if (scan) {
                err.println(
                        "query: --scan: reading the whole table '"
                                + access.tableName()
                                + "' (a full scan: every item is read and billed), then filtering and"
                                + " sorting here");
                items = queries.scan(traceFilter, range, limit).iterator();
            } else {
                items = queries.newest(traceFilter, range, limit);
            }
            List<Map<String, AttributeValue>> shown = new ArrayList<>();
            while (items.hasNext()) {
                Map<String, AttributeValue> item = items.next();
                if (json) {
                    out.println(ItemJson.toJsonLine(item)); // as they come
                }
                shown.add(item);
            }
            if (shown.isEmpty()) {
                err.println(
                        "query: no traces with "
                                + traceFilter
                                + ", started "
                                + range
                                + ", in table '"
                                + access.tableName()
                                + "'");
            } else if (!json) {
                TraceTableFormat.table(shown).forEach(out::println);
            }
            out.flush();
            return 0;
        }
    }

    private TraceFilter traceFilter() {
        if (filter == null) {
            if (!scan) {
                throw new QueryException(
                        "give a filter: --service S, --insight TYPE or --root-cause S (or --scan to"
                                + " read the whole table)");
            }
            return TraceFilter.everything();
        }
        if (filter.service != null) {
            return TraceFilter.rootService(filter.service);
        }
        if (filter.insight != null) {
            return TraceFilter.insight(filter.insight);
        }
        return TraceFilter.rootCause(filter.rootCause);
    }
}
