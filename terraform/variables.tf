# ---------------------------------------------------------------------------------------------------
# General
# ---------------------------------------------------------------------------------------------------

variable "aws_region" {
  description = "AWS region to deploy into. It is also written as aws.region into every runtime property group."
  type        = string
  default     = "us-east-1"
}

variable "application_name" {
  description = "Name of the Managed Flink application; also the prefix of every other resource name and the dashboard name."
  type        = string
  default     = "trace-assembler"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_.-]{1,48}$", var.application_name))
    error_message = "application_name must be 1-48 characters of letters, digits, '_', '.' or '-'."
  }
}

variable "tags" {
  description = "Extra tags for every resource (merged into the provider's default tags)."
  type        = map(string)
  default     = {}
}

# ---------------------------------------------------------------------------------------------------
# Kinesis streams
# ---------------------------------------------------------------------------------------------------

variable "span_stream_name" {
  description = "Name of the span input stream (null: <application_name>-spans)."
  type        = string
  default     = null
}

variable "span_stream_mode" {
  description = "Capacity mode of the span stream: ON_DEMAND (scales by itself) or PROVISIONED (span_stream_shard_count shards)."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "PROVISIONED"], var.span_stream_mode)
    error_message = "span_stream_mode must be ON_DEMAND or PROVISIONED."
  }
}

variable "span_stream_shard_count" {
  description = "Shards of the span stream when span_stream_mode is PROVISIONED (each takes 1 MB/s or 1000 records/s in); ignored for ON_DEMAND."
  type        = number
  default     = 4

  validation {
    condition     = var.span_stream_shard_count >= 1 && floor(var.span_stream_shard_count) == var.span_stream_shard_count
    error_message = "span_stream_shard_count must be a whole number >= 1."
  }
}

variable "span_stream_retention_hours" {
  description = "Retention of the span stream in hours (24-8760); longer retention allows replays from TRIM_HORIZON after an outage."
  type        = number
  default     = 24

  validation {
    condition     = var.span_stream_retention_hours >= 24 && var.span_stream_retention_hours <= 8760
    error_message = "span_stream_retention_hours must be between 24 and 8760."
  }
}

variable "span_stream_shard_level_metrics" {
  description = "Enhanced (per-shard, billed) metrics of the span stream, for example [\"IncomingBytes\", \"IteratorAgeMilliseconds\"]."
  type        = list(string)
  default     = []
}

variable "dead_letter_stream_name" {
  description = "Name of the dead-letter stream for records that cannot be decoded (null: <application_name>-dead-letters)."
  type        = string
  default     = null
}

variable "dead_letter_stream_retention_hours" {
  description = "Retention of the dead-letter stream in hours (24-8760)."
  type        = number
  default     = 168

  validation {
    condition     = var.dead_letter_stream_retention_hours >= 24 && var.dead_letter_stream_retention_hours <= 8760
    error_message = "dead_letter_stream_retention_hours must be between 24 and 8760."
  }
}

variable "kinesis_kms_key_arn" {
  description = "ARN of a customer-managed KMS key for both streams (null: the AWS-managed key alias/aws/kinesis). The application role gets kms:Decrypt/GenerateDataKey on it."
  type        = string
  default     = null
}

# ---------------------------------------------------------------------------------------------------
# DynamoDB
# ---------------------------------------------------------------------------------------------------

variable "trace_table_name" {
  description = "Name of the DynamoDB trace summary table (null: <application_name>-traces)."
  type        = string
  default     = null
}

variable "trace_table_deletion_protection" {
  description = "Enable DynamoDB deletion protection on the trace table (set false before a teardown)."
  type        = bool
  default     = true
}

variable "dynamodb_kms_key_arn" {
  description = "ARN of a customer-managed KMS key for the trace table (null: the AWS-managed key aws/dynamodb). The application role gets kms:Decrypt/GenerateDataKey on it."
  type        = string
  default     = null
}

variable "trace_retention_days" {
  description = "TraceStore.retention.days: days until a summary expires (the job writes expires_at, DynamoDB TTL deletes it)."
  type        = number
  default     = 30

  validation {
    condition     = var.trace_retention_days >= 1 && floor(var.trace_retention_days) == var.trace_retention_days
    error_message = "trace_retention_days must be a whole number >= 1."
  }
}

# ---------------------------------------------------------------------------------------------------
# Application code
# ---------------------------------------------------------------------------------------------------

variable "artifact_bucket_name" {
  description = "Name of the S3 bucket for the application jar (null: <application_name>-artifacts-<account>-<region>)."
  type        = string
  default     = null
}

variable "artifact_bucket_force_destroy" {
  description = "Allow terraform destroy to delete the artifact bucket with all jar versions in it."
  type        = bool
  default     = false
}

variable "artifact_noncurrent_version_days" {
  description = "Days after which a superseded jar version may expire (the newest artifact_keep_noncurrent_versions are always kept for rollbacks)."
  type        = number
  default     = 90
}

variable "artifact_keep_noncurrent_versions" {
  description = "Number of superseded jar versions always kept in the artifact bucket, for rollbacks."
  type        = number
  default     = 10
}

variable "jar_path" {
  description = "Path of the shaded application jar to upload; relative paths are relative to the terraform/ directory."
  type        = string
  default     = "../target/trace-assembler.jar"
}

variable "jar_s3_key" {
  description = "Object key of the application jar in the artifact bucket (each upload is a new object version)."
  type        = string
  default     = "trace-assembler/trace-assembler.jar"
}

# ---------------------------------------------------------------------------------------------------
# Runtime properties: SpanSource
# ---------------------------------------------------------------------------------------------------

variable "span_initial_position" {
  description = "SpanSource.initial.position: where a job without state starts reading: LATEST, TRIM_HORIZON or AT_TIMESTAMP."
  type        = string
  default     = "LATEST"

  validation {
    condition     = contains(["LATEST", "TRIM_HORIZON", "AT_TIMESTAMP"], var.span_initial_position)
    error_message = "span_initial_position must be LATEST, TRIM_HORIZON or AT_TIMESTAMP."
  }
}

variable "span_initial_timestamp" {
  description = "SpanSource.initial.timestamp (ISO-8601 such as 2026-01-31T12:00:00Z, or epoch millis); required when span_initial_position is AT_TIMESTAMP, otherwise not written."
  type        = string
  default     = null
}

variable "span_reader" {
  description = "SpanSource.reader: POLLING (shared 2 MB/s per shard) or EFO (enhanced fan-out, a dedicated 2 MB/s per shard)."
  type        = string
  default     = "POLLING"

  validation {
    condition     = contains(["POLLING", "EFO"], var.span_reader)
    error_message = "span_reader must be POLLING or EFO."
  }
}

variable "efo_consumer_name" {
  description = "SpanSource.efo.consumer.name: the enhanced fan-out consumer name (used with span_reader = EFO; IAM is scoped to it)."
  type        = string
  default     = "trace-assembler"
}

variable "span_format" {
  description = "SpanSource.format: auto (sniff every record) or one encoding: native_json, otlp (= otlp_proto), otlp_proto, otlp_json, zipkin_json, zipkin_proto, jaeger_proto."
  type        = string
  default     = "auto"

  validation {
    condition     = contains(["auto", "native_json", "otlp", "otlp_proto", "otlp_json", "zipkin_json", "zipkin_proto", "jaeger_proto"], lower(replace(trimspace(var.span_format), "-", "_")))
    error_message = "span_format must be auto, native_json, otlp, otlp_proto, otlp_json, zipkin_json, zipkin_proto or jaeger_proto."
  }
}

# ---------------------------------------------------------------------------------------------------
# Runtime properties: TraceAssembly (durations in Flink syntax: "500 ms", "30 s", "10 min", "1 h")
# ---------------------------------------------------------------------------------------------------

variable "session_gap" {
  description = "TraceAssembly.session.gap: a trace closes after this long without a new span (Flink duration such as \"30 s\")."
  type        = string
  default     = "30 s"

  validation {
    condition     = can(regex("^[0-9]+ *(ms|milli|millis|millisecond|milliseconds|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours|d|day|days)?$", var.session_gap))
    error_message = "session_gap must be a Flink duration such as \"30 s\" or \"2 min\"."
  }
}

variable "max_out_of_orderness" {
  description = "TraceAssembly.max.out.of.orderness: how far span event times may run out of order (watermark delay)."
  type        = string
  default     = "5 s"

  validation {
    condition     = can(regex("^[0-9]+ *(ms|milli|millis|millisecond|milliseconds|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours|d|day|days)?$", var.max_out_of_orderness))
    error_message = "max_out_of_orderness must be a Flink duration such as \"5 s\"."
  }
}

variable "idleness" {
  description = "TraceAssembly.idleness: a shard without records for this long stops holding the watermark back."
  type        = string
  default     = "5 s"

  validation {
    condition     = can(regex("^[0-9]+ *(ms|milli|millis|millisecond|milliseconds|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours|d|day|days)?$", var.idleness))
    error_message = "idleness must be a Flink duration such as \"5 s\"."
  }
}

variable "allowed_lateness" {
  description = "TraceAssembly.allowed.lateness: late spans within this time after a trace closed update it (revision + 1)."
  type        = string
  default     = "5 min"

  validation {
    condition     = can(regex("^[0-9]+ *(ms|milli|millis|millisecond|milliseconds|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours|d|day|days)?$", var.allowed_lateness))
    error_message = "allowed_lateness must be a Flink duration such as \"5 min\"."
  }
}

variable "max_trace_duration" {
  description = "TraceAssembly.max.trace.duration: a trace is emitted at the latest after this long even if spans keep arriving (must exceed session_gap)."
  type        = string
  default     = "10 min"

  validation {
    condition     = can(regex("^[0-9]+ *(ms|milli|millis|millisecond|milliseconds|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours|d|day|days)?$", var.max_trace_duration))
    error_message = "max_trace_duration must be a Flink duration such as \"10 min\"."
  }
}

variable "max_spans_per_trace" {
  description = "TraceAssembly.max.spans.per.trace: spans kept per trace in state; beyond it the summary is marked truncated (counts still count every span)."
  type        = number
  default     = 10000

  validation {
    condition     = var.max_spans_per_trace >= 1 && floor(var.max_spans_per_trace) == var.max_spans_per_trace
    error_message = "max_spans_per_trace must be a whole number >= 1."
  }
}

variable "trace_cache_max_traces" {
  description = "TraceAssembly.cache.max.traces: traces each subtask keeps in its write-back cache in front of RocksDB."
  type        = number
  default     = 65536

  validation {
    condition     = var.trace_cache_max_traces >= 1 && floor(var.trace_cache_max_traces) == var.trace_cache_max_traces
    error_message = "trace_cache_max_traces must be a whole number >= 1."
  }
}

variable "trace_cache_max_spans" {
  description = "TraceAssembly.cache.max.spans: span ids each subtask's write-back cache holds at most."
  type        = number
  default     = 1000000

  validation {
    condition     = var.trace_cache_max_spans >= 1 && floor(var.trace_cache_max_spans) == var.trace_cache_max_spans
    error_message = "trace_cache_max_spans must be a whole number >= 1."
  }
}

variable "trace_timers_on_heap" {
  description = "TraceAssembly.timers.on.heap: the event-time timers (one per open trace, ~110 bytes of heap each) on the JVM heap instead of in RocksDB (faster); the first restore after a change registers every trace's timer again."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------------
# Runtime properties: Insights and InsightMetrics
# ---------------------------------------------------------------------------------------------------

variable "slow_trace_threshold_ms" {
  description = "Insights.slow.trace.threshold.ms: a trace longer than this is a slow_trace."
  type        = number
  default     = 5000

  validation {
    condition     = var.slow_trace_threshold_ms >= 0
    error_message = "slow_trace_threshold_ms must be >= 0."
  }
}

variable "high_service_count_threshold" {
  description = "Insights.high.service.count.threshold: a trace touching more services than this is a high_service_count insight."
  type        = number
  default     = 5

  validation {
    condition     = var.high_service_count_threshold >= 1 && floor(var.high_service_count_threshold) == var.high_service_count_threshold
    error_message = "high_service_count_threshold must be a whole number >= 1."
  }
}

variable "metrics_namespace" {
  description = "InsightMetrics.namespace: CloudWatch namespace of the insight and trace metrics; also the only namespace the role may PutMetricData into, and the one alarms and dashboard read."
  type        = string
  default     = "DistributedTracing/Insights"
}

variable "insight_metrics_enabled" {
  description = "InsightMetrics.enabled: publish insight counts to CloudWatch."
  type        = bool
  default     = true
}

# ---------------------------------------------------------------------------------------------------
# Managed Flink application
# ---------------------------------------------------------------------------------------------------

variable "start_application" {
  description = "Whether the application runs (true) or is stopped (false) after the apply."
  type        = bool
  default     = true
}

variable "snapshots_enabled" {
  description = "Take a snapshot on every update/stop so state survives jar and configuration updates."
  type        = bool
  default     = true
}

variable "application_restore_type" {
  description = "How a (re)start restores state: RESTORE_FROM_LATEST_SNAPSHOT, SKIP_RESTORE_FROM_SNAPSHOT or RESTORE_FROM_CUSTOM_SNAPSHOT (with restore_snapshot_name)."
  type        = string
  default     = "RESTORE_FROM_LATEST_SNAPSHOT"

  validation {
    condition     = contains(["RESTORE_FROM_LATEST_SNAPSHOT", "SKIP_RESTORE_FROM_SNAPSHOT", "RESTORE_FROM_CUSTOM_SNAPSHOT"], var.application_restore_type)
    error_message = "application_restore_type must be RESTORE_FROM_LATEST_SNAPSHOT, SKIP_RESTORE_FROM_SNAPSHOT or RESTORE_FROM_CUSTOM_SNAPSHOT."
  }
}

variable "restore_snapshot_name" {
  description = "Snapshot to restore from when application_restore_type is RESTORE_FROM_CUSTOM_SNAPSHOT (rollback)."
  type        = string
  default     = null
}

variable "allow_non_restored_state" {
  description = "Let a new jar start from a snapshot that holds state of operators it no longer has."
  type        = bool
  default     = false
}

variable "checkpoint_interval_ms" {
  description = "Checkpoint interval in milliseconds."
  type        = number
  default     = 60000

  validation {
    condition     = var.checkpoint_interval_ms >= 1000
    error_message = "checkpoint_interval_ms must be at least 1000."
  }
}

variable "min_pause_between_checkpoints_ms" {
  description = "Minimum pause between the end of one checkpoint and the start of the next, in milliseconds."
  type        = number
  default     = 5000
}

variable "log_level" {
  description = "Application log level sent to CloudWatch Logs: DEBUG, INFO, WARN or ERROR."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARN or ERROR."
  }
}

variable "metrics_level" {
  description = "Managed Flink metrics level: APPLICATION, TASK, OPERATOR or PARALLELISM (finer levels cost more CloudWatch metrics)."
  type        = string
  default     = "APPLICATION"

  validation {
    condition     = contains(["APPLICATION", "TASK", "OPERATOR", "PARALLELISM"], var.metrics_level)
    error_message = "metrics_level must be APPLICATION, TASK, OPERATOR or PARALLELISM."
  }
}

variable "parallelism" {
  description = "Initial parallelism of the job; KPUs = ceil(parallelism / parallelism_per_kpu)."
  type        = number
  default     = 2

  validation {
    condition     = var.parallelism >= 1 && floor(var.parallelism) == var.parallelism
    error_message = "parallelism must be a whole number >= 1."
  }
}

variable "parallelism_per_kpu" {
  description = "Parallel tasks per KPU (1 KPU = 1 vCPU, 4 GB); 1 for CPU-heavy decoding, up to 4 for I/O-bound work."
  type        = number
  default     = 1

  validation {
    condition     = var.parallelism_per_kpu >= 1 && var.parallelism_per_kpu <= 8
    error_message = "parallelism_per_kpu must be between 1 and 8."
  }
}

variable "auto_scaling_enabled" {
  description = "Let Managed Flink raise and lower parallelism with CPU usage (each rescale restarts the job from a snapshot)."
  type        = bool
  default     = true
}

variable "iam_permissions_boundary_arn" {
  description = "Optional permissions boundary policy ARN for the application's IAM role."
  type        = string
  default     = null
}

# ---------------------------------------------------------------------------------------------------
# Runtime properties: ServiceGraph and SpanMetrics
# ---------------------------------------------------------------------------------------------------

variable "dead_letter_include_record" {
  description = "DeadLetters.include.record: include the raw record in dead letters; false keeps reason, origin and size only."
  type        = bool
  default     = true
}

variable "service_graph_enabled" {
  description = "ServiceGraph.enabled: publish the service graph (ServiceGraphRequests, ServiceGraphRequestsFailed, ServiceGraphLatency per Client, Server, ConnectionType)."
  type        = bool
  default     = true
}

variable "service_graph_max_edges" {
  description = "ServiceGraph.max.edges: distinct edges per job before further edges report as Server=_other (bounds the number of CloudWatch series)."
  type        = number
  default     = 1000

  validation {
    condition     = var.service_graph_max_edges >= 1 && floor(var.service_graph_max_edges) == var.service_graph_max_edges
    error_message = "service_graph_max_edges must be a whole number >= 1."
  }
}

variable "span_metrics_enabled" {
  description = "SpanMetrics.enabled: publish span RED metrics (SpanCalls, SpanErrors, SpanDuration per ServiceName and Operation)."
  type        = bool
  default     = true
}

variable "span_metrics_operation_dimension" {
  description = "SpanMetrics.operation.dimension: false drops the Operation dimension (one series per service)."
  type        = bool
  default     = true
}

variable "span_metrics_max_operations_per_service" {
  description = "SpanMetrics.max.operations.per.service: distinct operation names per service before further ones report as Operation=_other."
  type        = number
  default     = 50

  validation {
    condition     = var.span_metrics_max_operations_per_service >= 1 && floor(var.span_metrics_max_operations_per_service) == var.span_metrics_max_operations_per_service
    error_message = "span_metrics_max_operations_per_service must be a whole number >= 1."
  }
}

# ---------------------------------------------------------------------------------------------------
# Logs and alarms
# ---------------------------------------------------------------------------------------------------

variable "log_retention_days" {
  description = "Retention of the application's CloudWatch log group in days."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "alarm_sns_topic_arn" {
  description = "Optional SNS topic ARN notified when an alarm fires or clears (null: alarms without actions)."
  type        = string
  default     = null
}

variable "insight_alarm_period_seconds" {
  description = "Period of the error-trace and slow-trace alarms in seconds (a multiple of 60)."
  type        = number
  default     = 300

  validation {
    condition     = var.insight_alarm_period_seconds >= 60 && var.insight_alarm_period_seconds % 60 == 0
    error_message = "insight_alarm_period_seconds must be a multiple of 60."
  }
}

variable "insight_alarm_evaluation_periods" {
  description = "Consecutive breaching periods before the error-trace and slow-trace alarms fire."
  type        = number
  default     = 1
}

variable "error_traces_alarm_threshold" {
  description = "The error-trace alarm fires when more traces than this have errors in one period (all services summed)."
  type        = number
  default     = 50
}

variable "slow_traces_alarm_threshold" {
  description = "The slow-trace alarm fires when more traces than this are slow in one period (all services summed)."
  type        = number
  default     = 100
}

variable "service_graph_failures_alarm_threshold" {
  description = "The failing-edges alarm fires when more requests than this fail between services in one period (all edges summed)."
  type        = number
  default     = 10
}

variable "consumer_lag_alarm_threshold_ms" {
  description = "The consumer-lag alarm fires when millisBehindLatest exceeds this many milliseconds."
  type        = number
  default     = 60000
}

variable "consumer_lag_alarm_evaluation_periods" {
  description = "Consecutive breaching minutes before the consumer-lag alarm fires."
  type        = number
  default     = 5
}

variable "downtime_alarm_evaluation_periods" {
  description = "Consecutive minutes with downtime > 0 before the downtime alarm fires."
  type        = number
  default     = 2
}
