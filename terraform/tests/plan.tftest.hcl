# Offline plan tests with a mocked AWS provider (terraform >= 1.7):
#   terraform -chdir=terraform init -backend=false && terraform -chdir=terraform test
# No AWS account is needed; the provider schema must be installable (registry or mirror).

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  jar_path = "tests/fixture.jar"
}

run "defaults" {
  command = plan

  assert {
    condition     = aws_kinesisanalyticsv2_application.trace_assembler.runtime_environment == "FLINK-1_20"
    error_message = "runtime must be FLINK-1_20"
  }

  assert {
    condition     = aws_kinesis_stream.spans.stream_mode_details[0].stream_mode == "ON_DEMAND" && aws_kinesis_stream.spans.shard_count == null
    error_message = "the span stream is ON_DEMAND without a shard count by default"
  }

  assert {
    condition     = aws_kinesis_stream.spans.kms_key_id == "alias/aws/kinesis" && aws_kinesis_stream.dead_letters.encryption_type == "KMS"
    error_message = "streams use the AWS-managed Kinesis key by default"
  }

  assert {
    condition     = toset(keys(local.property_groups)) == toset(["SpanSource", "TraceAssembly", "Insights", "TraceStore", "InsightMetrics", "DeadLetters", "ServiceGraph", "SpanMetrics"])
    error_message = "every runtime property group of docs/contracts.md, section 5"
  }

  assert {
    condition     = toset(keys(local.property_groups.SpanSource)) == toset(["stream.name", "aws.region", "initial.position", "reader", "efo.consumer.name", "format"])
    error_message = "SpanSource keys (no aws.endpoint, no initial.timestamp unless AT_TIMESTAMP)"
  }

  assert {
    condition     = alltrue([for g in values(local.property_groups) : !contains(keys(g), "aws.endpoint")])
    error_message = "aws.endpoint is for emulators only"
  }

  assert {
    condition = (local.property_groups.TraceAssembly["session.gap"] == "30 s"
      && local.property_groups.TraceAssembly["max.spans.per.trace"] == "10000"
      && local.property_groups.Insights["slow.trace.threshold.ms"] == "5000"
      && local.property_groups.InsightMetrics["enabled"] == "true"
      && local.property_groups.TraceStore["retention.days"] == "30"
    && local.property_groups.SpanSource["aws.region"] == "eu-west-1")
    error_message = "runtime property values are the TraceAssemblerConfig defaults, as strings"
  }

  assert {
    condition     = aws_kinesisanalyticsv2_application.trace_assembler.application_configuration[0].run_configuration[0].application_restore_configuration[0].application_restore_type == "RESTORE_FROM_LATEST_SNAPSHOT"
    error_message = "restores from the latest snapshot by default"
  }

  assert {
    condition     = aws_dynamodb_table.traces.billing_mode == "PAY_PER_REQUEST" && aws_dynamodb_table.traces.hash_key == "trace_id"
    error_message = "on-demand table keyed by trace_id"
  }

  assert {
    condition     = toset([for g in aws_dynamodb_table.traces.global_secondary_index : g.name]) == toset(["by-root-service", "by-insight", "by-root-cause"])
    error_message = "both GSIs exist"
  }

  assert {
    condition     = length(local.dashboard_widgets) >= 8
    error_message = "dashboard widgets"
  }

  assert {
    condition = alltrue([for title in [
      "Top root-cause services of error traces (per minute)",
      "Top bottleneck services of slow traces (per minute)",
      "Service map: busiest edges, requests per minute (Client, Server)",
      "Service map: failing edges, failed requests per minute (Client, Server)",
      "Span RED: calls per minute by service",
      "Span RED: errors per minute by service",
      "Span RED: duration p99 by service and operation (ms)",
    ] : contains([for w in local.dashboard_widgets : try(w.properties.title, "")], title)])
    error_message = "the dashboard shows root causes, bottlenecks, the service map and span RED per service"
  }

  assert {
    condition     = anytrue([for q in aws_cloudwatch_metric_alarm.service_graph_failures.metric_query : q.expression == "SELECT SUM(ServiceGraphRequestsFailed) FROM SCHEMA(\"DistributedTracing/Insights\", Client, ConnectionType, Server)"])
    error_message = "the failing-edges alarm sums every edge of the namespace"
  }

  assert {
    condition     = local.property_groups.SpanMetrics["max.operations.per.service"] == "50" && local.property_groups.ServiceGraph["enabled"] == "true"
    error_message = "ServiceGraph and SpanMetrics runtime properties carry the job's defaults"
  }

  assert {
    condition     = anytrue([for q in aws_cloudwatch_metric_alarm.error_traces.metric_query : q.expression == "SELECT SUM(trace_errors) FROM SCHEMA(\"DistributedTracing/Insights\", Severity, ServiceName)"])
    error_message = "error alarm queries every Severity/ServiceName series of the namespace"
  }
}

run "provisioned_efo_at_timestamp" {
  command = plan

  variables {
    span_stream_mode        = "PROVISIONED"
    span_stream_shard_count = 8
    span_reader             = "EFO"
    span_initial_position   = "AT_TIMESTAMP"
    span_initial_timestamp  = "2026-01-31T12:00:00Z"
    kinesis_kms_key_arn     = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = aws_kinesis_stream.spans.shard_count == 8 && aws_kinesis_stream.spans.kms_key_id == var.kinesis_kms_key_arn
    error_message = "provisioned shards and the CMK are used"
  }

  assert {
    condition     = local.property_groups.SpanSource["initial.timestamp"] == "2026-01-31T12:00:00Z" && local.property_groups.SpanSource["reader"] == "EFO"
    error_message = "AT_TIMESTAMP writes initial.timestamp"
  }

  assert {
    condition     = length(local.customer_managed_kms_key_arns) == 1 && contains(local.customer_managed_kms_key_arns, var.kinesis_kms_key_arn)
    error_message = "the CMK is granted to the role"
  }
}

run "at_timestamp_needs_a_timestamp" {
  command = plan

  variables {
    span_initial_position = "AT_TIMESTAMP"
  }

  expect_failures = [aws_kinesisanalyticsv2_application.trace_assembler]
}

run "bad_duration_is_rejected" {
  command = plan

  variables {
    session_gap = "thirty seconds"
  }

  expect_failures = [var.session_gap]
}
