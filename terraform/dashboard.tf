locals {
  ns  = var.metrics_namespace
  app = var.application_name

  # SEARCH() with property filters (not a {schema}) matches every dimension set of the metric, so
  # new services show up without a dashboard change.
  insight_search = { for insight in ["trace_errors", "slow_trace", "high_service_count"] :
    insight => "SEARCH('Namespace=\"${var.metrics_namespace}\" MetricName=\"${insight}\"', 'Sum', 60)"
  }

  dashboard_widgets = [
    {
      type   = "text"
      x      = 0
      y      = 0
      width  = 24
      height = 2
      properties = {
        markdown = "## Trace Assembler `${var.application_name}`\nInsights and trace metrics in namespace `${var.metrics_namespace}` (dimensions Severity, ServiceName); job health from `AWS/KinesisAnalytics`; input from stream `${aws_kinesis_stream.spans.name}`; summaries in table `${aws_dynamodb_table.traces.name}`."
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 2
      width  = 12
      height = 6
      properties = {
        title   = "Insights per minute (all services)"
        region  = local.region
        view    = "timeSeries"
        stacked = true
        period  = 60
        metrics = [
          [{ id = "errors", label = "trace_errors", expression = "SUM(${local.insight_search["trace_errors"]})" }],
          [{ id = "slow", label = "slow_trace", expression = "SUM(${local.insight_search["slow_trace"]})" }],
          [{ id = "fanout", label = "high_service_count", expression = "SUM(${local.insight_search["high_service_count"]})" }],
        ]
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 2
      width  = 12
      height = 6
      properties = {
        title  = "Error traces per service"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          [{ id = "errors_by_service", expression = local.insight_search["trace_errors"] }],
        ]
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 8
      width  = 12
      height = 6
      properties = {
        title  = "TraceDuration p50 / p90 / p99 per service (ms)"
        region = local.region
        view   = "timeSeries"
        period = 300
        metrics = [
          [{ id = "p50", expression = "SEARCH('Namespace=\"${local.ns}\" MetricName=\"TraceDuration\" ServiceName', 'p50', 300)" }],
          [{ id = "p90", expression = "SEARCH('Namespace=\"${local.ns}\" MetricName=\"TraceDuration\" ServiceName', 'p90', 300)" }],
          [{ id = "p99", expression = "SEARCH('Namespace=\"${local.ns}\" MetricName=\"TraceDuration\" ServiceName', 'p99', 300)" }],
        ]
        yAxis = { left = { label = "ms", showUnits = false } }
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 8
      width  = 12
      height = 6
      properties = {
        title  = "Traces assembled per minute"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          [{ id = "assembled_total", label = "all services", expression = "SUM(SEARCH('Namespace=\"${local.ns}\" MetricName=\"TracesAssembled\"', 'Sum', 60))" }],
          [{ id = "assembled", expression = "SEARCH('Namespace=\"${local.ns}\" MetricName=\"TracesAssembled\"', 'Sum', 60)", visible = false }],
        ]
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 14
      width  = 12
      height = 6
      properties = {
        title  = "Throughput: records in"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          ["AWS/KinesisAnalytics", "numRecordsInPerSecond", "Application", local.app, { stat = "Average", label = "Flink records in / s" }],
          ["AWS/Kinesis", "IncomingRecords", "StreamName", aws_kinesis_stream.spans.name, { stat = "Sum", label = "Kinesis records in / min", yAxis = "right" }],
          ["AWS/Kinesis", "IncomingBytes", "StreamName", aws_kinesis_stream.spans.name, { stat = "Sum", label = "Kinesis bytes in / min", yAxis = "right", visible = false }],
        ]
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 14
      width  = 12
      height = 6
      properties = {
        title  = "Consumer lag"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          ["AWS/KinesisAnalytics", "millisBehindLatest", "Application", local.app, "Flow", "Input", { stat = "Maximum", label = "millisBehindLatest (job)" }],
          ["AWS/Kinesis", "GetRecords.IteratorAgeMilliseconds", "StreamName", aws_kinesis_stream.spans.name, { stat = "Maximum", label = "iterator age (polling)" }],
        ]
        annotations = {
          horizontal = [{ label = "lag alarm", value = var.consumer_lag_alarm_threshold_ms }]
        }
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 20
      width  = 12
      height = 6
      properties = {
        title  = "Job health"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          ["AWS/KinesisAnalytics", "downtime", "Application", local.app, { stat = "Maximum" }],
          ["AWS/KinesisAnalytics", "numberOfFailedCheckpoints", "Application", local.app, { stat = "Maximum" }],
          ["AWS/KinesisAnalytics", "lastCheckpointDuration", "Application", local.app, { stat = "Maximum", yAxis = "right" }],
          ["AWS/KinesisAnalytics", "KPUs", "Application", local.app, { stat = "Maximum" }],
        ]
      }
    },
    {
      type   = "alarm"
      x      = 12
      y      = 20
      width  = 12
      height = 6
      properties = {
        title = "Alarms"
        alarms = [
          aws_cloudwatch_metric_alarm.error_traces.arn,
          aws_cloudwatch_metric_alarm.slow_traces.arn,
          aws_cloudwatch_metric_alarm.service_graph_failures.arn,
          aws_cloudwatch_metric_alarm.consumer_lag.arn,
          aws_cloudwatch_metric_alarm.downtime.arn,
          aws_cloudwatch_metric_alarm.checkpoint_failures.arn,
        ]
      }
    },
    {
      # The culprit metrics: who caused the errors and who made traces slow, not the root service.
      type   = "metric"
      x      = 0
      y      = 26
      width  = 12
      height = 6
      properties = {
        title  = "Top root-cause services of error traces (per minute)"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          [{ id = "root_causes", expression = "SELECT SUM(ErrorRootCause) FROM SCHEMA(\"${local.ns}\", Operation, ServiceName) GROUP BY ServiceName ORDER BY SUM() DESC LIMIT 10", period = 60 }],
        ]
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 26
      width  = 12
      height = 6
      properties = {
        title  = "Top bottleneck services of slow traces (per minute)"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          [{ id = "bottlenecks", expression = "SELECT SUM(SlowTraceBottleneck) FROM SCHEMA(\"${local.ns}\", Operation, ServiceName) GROUP BY ServiceName ORDER BY SUM() DESC LIMIT 10", period = 60 }],
        ]
      }
    },
    {
      # The service map as metrics: edges Client -> Server (ConnectionType request, messaging or
      # database), from assembled traces.
      type   = "metric"
      x      = 0
      y      = 32
      width  = 12
      height = 6
      properties = {
        title  = "Service map: busiest edges, requests per minute (Client, Server)"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          [{ id = "edge_requests", expression = "SELECT SUM(ServiceGraphRequests) FROM SCHEMA(\"${local.ns}\", Client, ConnectionType, Server) GROUP BY Client, Server ORDER BY SUM() DESC LIMIT 20", period = 60 }],
        ]
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 32
      width  = 12
      height = 6
      properties = {
        title  = "Service map: failing edges, failed requests per minute (Client, Server)"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          [{ id = "edge_failures", expression = "SELECT SUM(ServiceGraphRequestsFailed) FROM SCHEMA(\"${local.ns}\", Client, ConnectionType, Server) GROUP BY Client, Server ORDER BY SUM() DESC LIMIT 20", period = 60 }],
        ]
        annotations = {
          horizontal = [{ label = "failing-edges alarm (all edges summed)", value = var.service_graph_failures_alarm_threshold }]
        }
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 38
      width  = 12
      height = 6
      properties = {
        title  = "Service map: edge latency p99 (ms, server side)"
        region = local.region
        view   = "timeSeries"
        period = 300
        metrics = [
          [{ id = "edge_p99", expression = "SEARCH('Namespace=\"${local.ns}\" MetricName=\"ServiceGraphLatency\" Client Server ConnectionType', 'p99', 300)" }],
        ]
      }
    },
    {
      # Span RED per service. FROM the namespace rather than a SCHEMA, so the widgets work with
      # and without the Operation dimension (SpanMetrics.operation.dimension).
      type   = "metric"
      x      = 12
      y      = 38
      width  = 12
      height = 6
      properties = {
        title  = "Span RED: calls per minute by service"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          [{ id = "span_calls", expression = "SELECT SUM(SpanCalls) FROM \"${local.ns}\" GROUP BY ServiceName ORDER BY SUM() DESC LIMIT 20", period = 60 }],
        ]
      }
    },
    {
      type   = "metric"
      x      = 0
      y      = 44
      width  = 12
      height = 6
      properties = {
        title  = "Span RED: errors per minute by service"
        region = local.region
        view   = "timeSeries"
        period = 60
        metrics = [
          [{ id = "span_errors", expression = "SELECT SUM(SpanErrors) FROM \"${local.ns}\" GROUP BY ServiceName ORDER BY SUM() DESC LIMIT 20", period = 60 }],
        ]
      }
    },
    {
      type   = "metric"
      x      = 12
      y      = 44
      width  = 12
      height = 6
      properties = {
        title  = "Span RED: duration p99 by service and operation (ms)"
        region = local.region
        view   = "timeSeries"
        period = 300
        metrics = [
          [{ id = "span_p99", expression = "SEARCH('Namespace=\"${local.ns}\" MetricName=\"SpanDuration\" ServiceName', 'p99', 300)" }],
        ]
      }
    },
  ]
}

resource "aws_cloudwatch_dashboard" "trace_assembler" {
  dashboard_name = var.application_name
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
