# One item per trace (docs/contracts.md, section 2). The GSIs are sparse: root_service is absent when no root
# span arrived, primary_insight (the most severe insight: trace_errors > slow_trace > high_service_count)
# is absent when the trace has no insight, root_cause_service when it has no error ("recent failures caused
# by service X" is a query on by-root-cause, not a scan). Projection ALL: the items are small summaries, every field is
# useful in a query result, and fields the job adds later are projected without an index rebuild.
resource "aws_dynamodb_table" "traces" {
  name                        = local.trace_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "trace_id"
  deletion_protection_enabled = var.trace_table_deletion_protection

  attribute {
    name = "trace_id"
    type = "S"
  }

  attribute {
    name = "root_service"
    type = "S"
  }

  attribute {
    name = "primary_insight"
    type = "S"
  }

  attribute {
    name = "root_cause_service"
    type = "S"
  }

  attribute {
    name = "start_epoch_ms"
    type = "N"
  }

  global_secondary_index {
    name            = "by-root-service"
    hash_key        = "root_service"
    range_key       = "start_epoch_ms"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "by-insight"
    hash_key        = "primary_insight"
    range_key       = "start_epoch_ms"
    projection_type = "ALL"
  }

  global_secondary_index {
    name            = "by-root-cause"
    hash_key        = "root_cause_service"
    range_key       = "start_epoch_ms"
    projection_type = "ALL"
  }

  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  # Without a key ARN this is the AWS-owned/managed key (aws/dynamodb).
  server_side_encryption {
    enabled     = true
    kms_key_arn = var.dynamodb_kms_key_arn
  }
}
