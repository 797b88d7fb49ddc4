# Insight alarms use a CloudWatch Metrics Insights query rather than a fixed metric: the job publishes
# trace_errors / slow_trace per minute with the dimensions Severity and ServiceName, and the set of
# services is open-ended. A plain metric alarm needs every dimension value spelled out, and SEARCH()
# is not allowed in alarms; a Metrics Insights query without GROUP BY sums every (Severity,
# ServiceName) series into one time series, so services that appear after the deploy are covered
# with no change here.

locals {
  metrics_insights_schema = "SCHEMA(\"${var.metrics_namespace}\", Severity, ServiceName)"
}

resource "aws_cloudwatch_metric_alarm" "error_traces" {
  alarm_name          = "${var.application_name}-error-traces"
  alarm_description   = "Traces with error spans (insight trace_errors, all services) above ${var.error_traces_alarm_threshold} per ${var.insight_alarm_period_seconds} s."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.error_traces_alarm_threshold
  evaluation_periods  = var.insight_alarm_evaluation_periods
  datapoints_to_alarm = var.insight_alarm_evaluation_periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "error_traces"
    label       = "trace_errors (all services)"
    expression  = "SELECT SUM(trace_errors) FROM ${local.metrics_insights_schema}"
    period      = var.insight_alarm_period_seconds
    return_data = true
  }
}

resource "aws_cloudwatch_metric_alarm" "slow_traces" {
  alarm_name          = "${var.application_name}-slow-traces"
  alarm_description   = "Slow traces (insight slow_trace, all services) above ${var.slow_traces_alarm_threshold} per ${var.insight_alarm_period_seconds} s."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.slow_traces_alarm_threshold
  evaluation_periods  = var.insight_alarm_evaluation_periods
  datapoints_to_alarm = var.insight_alarm_evaluation_periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "slow_traces"
    label       = "slow_trace (all services)"
    expression  = "SELECT SUM(slow_trace) FROM ${local.metrics_insights_schema}"
    period      = var.insight_alarm_period_seconds
    return_data = true
  }
}

# Failed calls between services (ServiceGraphRequestsFailed summed over every Client, Server and
# ConnectionType): a dependency failing shows here even when the root service stays healthy.
resource "aws_cloudwatch_metric_alarm" "service_graph_failures" {
  alarm_name          = "${var.application_name}-service-graph-failures"
  alarm_description   = "Failed requests between services (service graph, all edges) above ${var.service_graph_failures_alarm_threshold} per ${var.insight_alarm_period_seconds} s."
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.service_graph_failures_alarm_threshold
  evaluation_periods  = var.insight_alarm_evaluation_periods
  datapoints_to_alarm = var.insight_alarm_evaluation_periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "edge_failures"
    label       = "ServiceGraphRequestsFailed (all edges)"
    expression  = "SELECT SUM(ServiceGraphRequestsFailed) FROM SCHEMA(\"${var.metrics_namespace}\", Client, ConnectionType, Server)"
    period      = var.insight_alarm_period_seconds
    return_data = true
  }
}

# Managed Flink publishes the Kinesis consumer's millisBehindLatest at application level with the
# dimensions Application and Flow = Input (maximum over shards).
resource "aws_cloudwatch_metric_alarm" "consumer_lag" {
  alarm_name          = "${var.application_name}-consumer-lag"
  alarm_description   = "The job reads the span stream more than ${var.consumer_lag_alarm_threshold_ms} ms behind its head."
  namespace           = "AWS/KinesisAnalytics"
  metric_name         = "millisBehindLatest"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = var.consumer_lag_alarm_evaluation_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.consumer_lag_alarm_threshold_ms
  treat_missing_data  = "missing"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  dimensions = {
    Application = aws_kinesisanalyticsv2_application.trace_assembler.name
    Flow        = "Input"
  }
}

resource "aws_cloudwatch_metric_alarm" "downtime" {
  alarm_name          = "${var.application_name}-downtime"
  alarm_description   = "The Flink job is not running (downtime > 0 ms: failing, restarting or stopped while the application runs)."
  namespace           = "AWS/KinesisAnalytics"
  metric_name         = "downtime"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = var.downtime_alarm_evaluation_periods
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  dimensions = {
    Application = aws_kinesisanalyticsv2_application.trace_assembler.name
  }
}

# numberOfFailedCheckpoints is a counter since the job (re)started; DIFF() turns it into failures per
# period, so the alarm clears once checkpoints succeed again instead of staying red until a restart.
resource "aws_cloudwatch_metric_alarm" "checkpoint_failures" {
  alarm_name          = "${var.application_name}-checkpoint-failures"
  alarm_description   = "Flink checkpoints failed (numberOfFailedCheckpoints increased)."
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions

  metric_query {
    id          = "failed_checkpoints"
    label       = "New failed checkpoints"
    expression  = "DIFF(failed_total)"
    return_data = true
  }

  metric_query {
    id = "failed_total"

    metric {
      namespace   = "AWS/KinesisAnalytics"
      metric_name = "numberOfFailedCheckpoints"
      stat        = "Maximum"
      period      = 300

      dimensions = {
        Application = aws_kinesisanalyticsv2_application.trace_assembler.name
      }
    }
  }
}
