# Span input stream. ON_DEMAND scales by itself; PROVISIONED uses span_stream_shard_count.
resource "aws_kinesis_stream" "spans" {
  name             = local.span_stream_name
  shard_count      = var.span_stream_mode == "PROVISIONED" ? var.span_stream_shard_count : null
  retention_period = var.span_stream_retention_hours
  encryption_type  = "KMS"
  kms_key_id       = local.kinesis_kms_key_id

  stream_mode_details {
    stream_mode = var.span_stream_mode
  }

  shard_level_metrics = var.span_stream_shard_level_metrics
}

# Records that cannot be decoded (with the reason) go here; low volume, so always ON_DEMAND.
resource "aws_kinesis_stream" "dead_letters" {
  name             = local.dead_letter_stream_name
  retention_period = var.dead_letter_stream_retention_hours
  encryption_type  = "KMS"
  kms_key_id       = local.kinesis_kms_key_id

  stream_mode_details {
    stream_mode = "ON_DEMAND"
  }
}
