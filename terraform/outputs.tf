output "application_name" {
  description = "Name of the Managed Flink application."
  value       = aws_kinesisanalyticsv2_application.trace_assembler.name
}

output "application_arn" {
  description = "ARN of the Managed Flink application."
  value       = aws_kinesisanalyticsv2_application.trace_assembler.arn
}

output "application_version_id" {
  description = "Current version of the application configuration (increases with every update)."
  value       = aws_kinesisanalyticsv2_application.trace_assembler.version_id
}

output "application_console_url" {
  description = "Console link of the Managed Flink application."
  value       = "https://${local.region}.console.aws.amazon.com/flink/home?region=${local.region}#/applications/dashboard/${aws_kinesisanalyticsv2_application.trace_assembler.name}"
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.trace_assembler.dashboard_name
}

output "dashboard_url" {
  description = "Console link of the CloudWatch dashboard."
  value       = "https://${local.region}.console.aws.amazon.com/cloudwatch/home?region=${local.region}#dashboards/dashboard/${aws_cloudwatch_dashboard.trace_assembler.dashboard_name}"
}

output "span_stream_name" {
  description = "Name of the span input stream (producers and the OpenTelemetry Collector awskinesis exporter write here)."
  value       = aws_kinesis_stream.spans.name
}

output "span_stream_arn" {
  description = "ARN of the span input stream."
  value       = aws_kinesis_stream.spans.arn
}

output "dead_letter_stream_name" {
  description = "Name of the dead-letter stream."
  value       = aws_kinesis_stream.dead_letters.name
}

output "trace_table_name" {
  description = "Name of the DynamoDB trace summary table."
  value       = aws_dynamodb_table.traces.name
}

output "trace_table_arn" {
  description = "ARN of the DynamoDB trace summary table."
  value       = aws_dynamodb_table.traces.arn
}

output "trace_table_console_url" {
  description = "Console link of the DynamoDB trace table (explore items)."
  value       = "https://${local.region}.console.aws.amazon.com/dynamodbv2/home?region=${local.region}#item-explorer?table=${aws_dynamodb_table.traces.name}"
}

output "artifact_bucket" {
  description = "S3 bucket holding the application jar versions."
  value       = aws_s3_bucket.artifacts.id
}

output "application_jar_s3_uri" {
  description = "S3 URI of the application jar."
  value       = "s3://${aws_s3_bucket.artifacts.id}/${aws_s3_object.application_jar.key}"
}

output "application_jar_version_id" {
  description = "S3 object version of the jar the application runs (note it down for a rollback)."
  value       = aws_s3_object.application_jar.version_id
}

output "log_group_name" {
  description = "CloudWatch log group of the application."
  value       = aws_cloudwatch_log_group.application.name
}

output "service_role_arn" {
  description = "ARN of the application's service execution role."
  value       = aws_iam_role.application.arn
}

output "runtime_properties" {
  description = "The runtime property groups given to the job (the same shape as flink-conf/application-properties-local.json)."
  value = [for id, props in local.property_groups : {
    PropertyGroupId = id
    PropertyMap     = props
  }]
}

output "alarm_names" {
  description = "Names of the CloudWatch alarms."
  value = [
    aws_cloudwatch_metric_alarm.error_traces.alarm_name,
    aws_cloudwatch_metric_alarm.slow_traces.alarm_name,
    aws_cloudwatch_metric_alarm.consumer_lag.alarm_name,
    aws_cloudwatch_metric_alarm.downtime.alarm_name,
    aws_cloudwatch_metric_alarm.checkpoint_failures.alarm_name,
  ]
}
