resource "aws_kinesisanalyticsv2_application" "trace_assembler" {
  name                   = var.application_name
  description            = "Trace Assembler: assembles traces from Kinesis spans, writes summaries to DynamoDB and insight metrics to CloudWatch."
  runtime_environment    = "FLINK-1_20"
  service_execution_role = aws_iam_role.application.arn
  start_application      = var.start_application

  application_configuration {
    application_code_configuration {
      code_content_type = "ZIPFILE"

      code_content {
        s3_content_location {
          bucket_arn     = aws_s3_bucket.artifacts.arn
          file_key       = aws_s3_object.application_jar.key
          object_version = aws_s3_object.application_jar.version_id
        }
      }
    }

    application_snapshot_configuration {
      snapshots_enabled = var.snapshots_enabled
    }

    environment_properties {
      dynamic "property_group" {
        for_each = local.property_groups

        content {
          property_group_id = property_group.key
          property_map      = property_group.value
        }
      }
    }

    flink_application_configuration {
      checkpoint_configuration {
        configuration_type            = "CUSTOM"
        checkpointing_enabled         = true
        checkpoint_interval           = var.checkpoint_interval_ms
        min_pause_between_checkpoints = var.min_pause_between_checkpoints_ms
      }

      monitoring_configuration {
        configuration_type = "CUSTOM"
        log_level          = var.log_level
        metrics_level      = var.metrics_level
      }

      parallelism_configuration {
        configuration_type   = "CUSTOM"
        parallelism          = var.parallelism
        parallelism_per_kpu  = var.parallelism_per_kpu
        auto_scaling_enabled = var.auto_scaling_enabled
      }
    }

    run_configuration {
      application_restore_configuration {
        application_restore_type = var.application_restore_type
        snapshot_name            = var.application_restore_type == "RESTORE_FROM_CUSTOM_SNAPSHOT" ? var.restore_snapshot_name : null
      }

      flink_run_configuration {
        allow_non_restored_state = var.allow_non_restored_state
      }
    }
  }

  cloudwatch_logging_options {
    log_stream_arn = aws_cloudwatch_log_stream.application.arn
  }

  lifecycle {
    precondition {
      condition     = var.span_initial_position != "AT_TIMESTAMP" || var.span_initial_timestamp != null
      error_message = "span_initial_timestamp is required when span_initial_position is AT_TIMESTAMP."
    }

    precondition {
      condition     = var.application_restore_type != "RESTORE_FROM_CUSTOM_SNAPSHOT" || var.restore_snapshot_name != null
      error_message = "restore_snapshot_name is required when application_restore_type is RESTORE_FROM_CUSTOM_SNAPSHOT."
    }
  }

  # The role's policy must exist before the service validates access to the code and the streams.
  depends_on = [aws_iam_role_policy.application]
}
