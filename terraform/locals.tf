data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  span_stream_name        = coalesce(var.span_stream_name, "${var.application_name}-spans")
  dead_letter_stream_name = coalesce(var.dead_letter_stream_name, "${var.application_name}-dead-letters")
  trace_table_name        = coalesce(var.trace_table_name, "${var.application_name}-traces")
  artifact_bucket_name    = coalesce(var.artifact_bucket_name, "${var.application_name}-artifacts-${data.aws_caller_identity.current.account_id}-${data.aws_region.current.name}")
  log_group_name          = "/aws/kinesis-analytics/${var.application_name}"

  # Built without referencing the application resource, so the role's trust policy can name it.
  application_arn = "arn:${local.partition}:kinesisanalytics:${local.region}:${local.account_id}:application/${var.application_name}"

  # AWS-managed keys need no IAM grants; customer-managed keys do (see iam.tf).
  kinesis_kms_key_id = coalesce(var.kinesis_kms_key_arn, "alias/aws/kinesis")
  customer_managed_kms_key_arns = compact([
    var.kinesis_kms_key_arn == null ? "" : var.kinesis_kms_key_arn,
    var.dynamodb_kms_key_arn == null ? "" : var.dynamodb_kms_key_arn,
  ])

  alarm_actions = var.alarm_sns_topic_arn == null ? [] : [var.alarm_sns_topic_arn]

  # Runtime property groups: groups and keys exactly as TraceAssemblerConfig reads them
  # (docs/contracts.md, section 5). aws.endpoint is for emulators only and is never set here.
  # Every value is a string: that is what Managed Flink stores.
  property_groups = {
    SpanSource = merge(
      {
        "stream.name"       = aws_kinesis_stream.spans.name
        "aws.region"        = local.region
        "initial.position"  = var.span_initial_position
        "reader"            = var.span_reader
        "efo.consumer.name" = var.efo_consumer_name
        "format"            = var.span_format
      },
      var.span_initial_position == "AT_TIMESTAMP" ? { "initial.timestamp" = var.span_initial_timestamp } : {},
    )
    TraceAssembly = {
      "session.gap"          = var.session_gap
      "max.out.of.orderness" = var.max_out_of_orderness
      "idleness"             = var.idleness
      "allowed.lateness"     = var.allowed_lateness
      "max.trace.duration"   = var.max_trace_duration
      "max.spans.per.trace"  = tostring(var.max_spans_per_trace)
      "cache.max.traces"     = tostring(var.trace_cache_max_traces)
      "cache.max.spans"      = tostring(var.trace_cache_max_spans)
      "timers.on.heap"       = tostring(var.trace_timers_on_heap)
    }
    Insights = {
      "slow.trace.threshold.ms"      = tostring(var.slow_trace_threshold_ms)
      "high.service.count.threshold" = tostring(var.high_service_count_threshold)
    }
    TraceStore = {
      "table.name"     = aws_dynamodb_table.traces.name
      "aws.region"     = local.region
      "retention.days" = tostring(var.trace_retention_days)
    }
    InsightMetrics = {
      "namespace"  = var.metrics_namespace
      "aws.region" = local.region
      "enabled"    = tostring(var.insight_metrics_enabled)
    }
    DeadLetters = {
      "stream.name"    = aws_kinesis_stream.dead_letters.name
      "aws.region"     = local.region
      "include.record" = tostring(var.dead_letter_include_record)
    }
    ServiceGraph = {
      "enabled"   = tostring(var.service_graph_enabled)
      "max.edges" = tostring(var.service_graph_max_edges)
    }
    SpanMetrics = {
      "enabled"                    = tostring(var.span_metrics_enabled)
      "operation.dimension"        = tostring(var.span_metrics_operation_dimension)
      "max.operations.per.service" = tostring(var.span_metrics_max_operations_per_service)
    }
  }
}
