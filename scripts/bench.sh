#!/usr/bin/env bash
# End-to-end throughput benchmark of the replay pipeline (issue #5); see docs/performance.md.
#
#   scripts/bench.sh                 # ~2 million spans, all six variants, state size per open trace
#   scripts/bench.sh --spans 500000  # a smaller archive
#   scripts/bench.sh --smoke         # a tiny run CI can afford (~50k spans, small state measurement)
#
# Generates (or reuses) a fixed archive in target/bench-archive/<parameters>/ with the span generator's
# realistic encoding mix, including big traces of 5,000 spans, then runs io.traceassembler.bench.PipelineBenchmark
# on a local MiniCluster: full pipeline on heap and on RocksDB, decode-only, and the naive session-window
# baseline on heap and on RocksDB, one after another in one JVM, parallelism 2, STREAMING, discarding sinks;
# also RocksDB with incremental checkpoints every 10 s (--checkpoint-interval-ms of the bench command).
# The last line is:
#   RESULT spans_per_s=<n> rocksdb_spans_per_s=<n> decode_only_spans_per_s=<n> naive_spans_per_s=<n> naive_rocksdb_spans_per_s=<n> peak_heap_mb=<n> state_bytes_per_open_trace=<n> rocksdb_checkpointed_spans_per_s=<n>
set -euo pipefail

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
  cat <<'HELP'
Options:
  --spans N          approximate spans in the archive (default 2000000)
  --smoke            tiny run: ~50,000 spans, 5,000 open traces for the state measurement
  --parallelism N    job parallelism (default 2)
  --variants LIST    comma-separated subset of full,full-rocksdb,full-rocksdb-checkpointed,decode-only,
                     naive,naive-rocksdb (checkpointed: incremental exactly-once checkpoints every 10 s)
  --state-traces N   open traces for the state-size measurement (default 100000; 0 skips it)
  --repeat N         runs per variant, the best is reported (default 1; decode-only, the shortest, at least 3)
  --warmup N         untimed warm-up runs of the full pipeline before measuring, plus one of each other
                     variant before its measurement (default 8; smoke: 0)
  --checkpoint-ms N  checkpoint interval of full-rocksdb-checkpointed in ms (default 10000)
  --checkpointed-spans N  spans of the archive full-rocksdb-checkpointed reads (default 5 x --spans,
                     so that a run at full speed spans several 10 s checkpoints)
  --xmx SIZE         benchmark JVM heap (default 3g)
  --set LIST         configuration overrides for experiments, e.g. TraceAssembly.allowed.lateness=0s
  --jmh [REGEX]      instead: the JMH micro-benchmarks (DecoderBenchmark: spans/s per encoding;
                     StateUpdateBenchmark: per-span state update, heap and RocksDB); extra JMH
                     options after the regex, e.g. --jmh Decoder -p compression=NONE -f 1
  -h, --help         this help
Environment: JAVA_OPTS is appended to the JVM options (e.g. a JFR or async-profiler agent).
The benchmark itself, on an archive of your own: scripts/trace-assembler bench --help
HELP
}

spans=2000000
jmh=0
jmh_args=()
set_args=()
parallelism=2
variants=full,full-rocksdb,full-rocksdb-checkpointed,decode-only,naive,naive-rocksdb
state_traces=100000
repeat=1
warmup=8
xmx=3g
checkpoint_ms=10000
checkpointed_spans=
while [[ $# -gt 0 ]]; do
  case "$1" in
    --spans) spans=$2; shift 2 ;;
    --smoke) spans=50000; checkpointed_spans=50000; state_traces=5000; warmup=0; shift ;;
    --warmup) warmup=$2; shift 2 ;;
    --parallelism) parallelism=$2; shift 2 ;;
    --variants) variants=$2; shift 2 ;;
    --state-traces) state_traces=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --xmx) xmx=$2; shift 2 ;;
    --checkpoint-ms) checkpoint_ms=$2; shift 2 ;;
    --checkpointed-spans) checkpointed_spans=$2; shift 2 ;;
    --set) set_args=(--set "$2"); shift 2 ;;
    --jmh) shift; jmh_args=("$@"); [[ ${#jmh_args[@]} -gt 0 ]] || jmh_args=(Benchmark); set --; jmh=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
  esac
done
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# Every java command goes through the launcher: one build check, one JVM options file (scripts/flink-jvm.args).
launcher="$root/scripts/trace-assembler"

if [[ $jmh -eq 1 ]]; then
  exec "$launcher" jmh "${jmh_args[@]}"
fi

[[ "$spans" =~ ^[0-9]+$ && "$spans" -ge 1000 ]] || { echo "bench.sh: --spans must be a number >= 1000" >&2; exit 2; }

# The generator makes ~17 spans per ordinary trace; big traces (5,000 spans) are 1 in 2,000 traces.
# (Measured: 105,000 traces -> 1,908,325 spans, 47 big ones.)
big_ratio=0.0005
# Two independent streams (seeds 42 and 43, half the traces each), each in ONE time-ordered file of Kinesis
# envelopes, like two Kinesis shards: each parallel source reader reads one stream from its start to its end.
# (Several files per stream would be read out of time order by the readers, and in STREAMING mode spans of
# a file read later would be behind the watermark: late, dropped.)
# archive_for SPANS: the folder of the archive of about SPANS spans, generated on first use.
archive_for() {
  local traces=$(( $1 * 1000 / 18170 ))
  local half=$(( traces / 2 ))
  local dir="$root/target/bench-archive/traces-${traces}-big-${big_ratio}x5000-two-streams"
  if [[ ! -f "$dir/manifest.json" ]]; then
    echo "bench.sh: generating $dir ($traces traces in two streams)..." >&2
    rm -rf "$dir"
    mkdir -p "$dir"
    local seed
    for seed in 42 43; do
      JAVA_OPTS=-Xmx2g "$launcher" generate-spans archive \
        --output "$dir/data/stream-$seed" --traces "$half" --seed "$seed" --all-kinesis \
        --records-per-file 100000000 --big-trace-ratio "$big_ratio" --big-trace-spans 5000 \
        --manifest "$dir/manifest-$seed.json" >&2
    done
    # The benchmark reads span_deliveries: the sum of both streams.
    python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:3]); print(json.dumps({"span_deliveries": a["span_deliveries"]+b["span_deliveries"], "traces": a["traces"]+b["traces"]}))' \
      "$dir/manifest-42.json" "$dir/manifest-43.json" > "$dir/manifest.json"
  else
    echo "bench.sh: reusing $dir" >&2
  fi
  archive=$dir
}
archive_for "$spans"
main_archive=$archive
# The checkpointed variant reads a larger archive (default 5x): at full speed the default one is over in
# ~5 s, before the first 10 s checkpoint.
checkpointed_args=()
if [[ ",$variants," == *,full-rocksdb-checkpointed,* ]]; then
  archive_for "${checkpointed_spans:-$(( spans * 5 ))}"
  checkpointed_args=(--checkpointed-archive "$archive/data" --checkpointed-manifest "$archive/manifest.json")
fi
archive=$main_archive

echo "bench: machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GB RAM; uptime:$(uptime)"

# Quiet logging: errors only, to stderr.
log4j_conf="$root/target/bench-log4j2.properties"
cat > "$log4j_conf" <<'LOG4J'
rootLogger.level = ERROR
rootLogger.appenderRef.console.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %-5p %c{1} - %m%n
LOG4J

JAVA_OPTS="-Xmx$xmx -Xms$xmx -XX:+UseParallelGC ${JAVA_OPTS:-}" LOG4J_CONFIG="$log4j_conf" "$launcher" bench \
  --archive "$archive/data" --manifest "$archive/manifest.json" --parallelism "$parallelism" \
  --variants "$variants" --state-traces "$state_traces" --repeat "$repeat" --warmup "$warmup" --checkpoint-interval-ms "$checkpoint_ms" "${checkpointed_args[@]}" "${set_args[@]}" \
  | grep --line-buffered -E '^(bench|RESULT)'
