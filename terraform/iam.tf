# Service execution role of the Managed Flink application, least privilege: exact stream, table,
# jar object and log group ARNs; PutMetricData only into the job's namespace.

data "aws_iam_policy_document" "assume_role" {
  statement {
    sid     = "ManagedFlinkAssumeRole"
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["kinesisanalytics.amazonaws.com"]
    }

    # Confused-deputy protection: only this account's application of this name.
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [local.application_arn]
    }
  }
}

resource "aws_iam_role" "application" {
  name                 = "${var.application_name}-msf"
  description          = "Service execution role of the ${var.application_name} Managed Flink application"
  assume_role_policy   = data.aws_iam_policy_document.assume_role.json
  permissions_boundary = var.iam_permissions_boundary_arn
}

data "aws_iam_policy_document" "application" {
  statement {
    sid    = "ReadSpanStream"
    effect = "Allow"
    actions = [
      "kinesis:DescribeStream",
      "kinesis:DescribeStreamSummary",
      "kinesis:GetRecords",
      "kinesis:GetShardIterator",
      "kinesis:ListShards",
      "kinesis:ListStreamConsumers",
      "kinesis:RegisterStreamConsumer",
    ]
    resources = [aws_kinesis_stream.spans.arn]
  }

  # Enhanced fan-out: the consumer ARN is <stream ARN>/consumer/<name>:<creation timestamp>.
  statement {
    sid    = "SpanStreamEfoConsumer"
    effect = "Allow"
    actions = [
      "kinesis:DescribeStreamConsumer",
      "kinesis:SubscribeToShard",
      "kinesis:DeregisterStreamConsumer",
    ]
    resources = ["${aws_kinesis_stream.spans.arn}/consumer/${var.efo_consumer_name}:*"]
  }

  statement {
    sid       = "WriteDeadLetterStream"
    effect    = "Allow"
    actions   = ["kinesis:PutRecord", "kinesis:PutRecords"]
    resources = [aws_kinesis_stream.dead_letters.arn]
  }

  statement {
    sid    = "WriteTraceTable"
    effect = "Allow"
    actions = [
      "dynamodb:DescribeTable",
      "dynamodb:PutItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:UpdateItem",
    ]
    resources = [aws_dynamodb_table.traces.arn]
  }

  statement {
    sid       = "ReadApplicationJar"
    effect    = "Allow"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${aws_s3_bucket.artifacts.arn}/${aws_s3_object.application_jar.key}"]
  }

  statement {
    sid       = "PutInsightMetrics"
    effect    = "Allow"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"] # PutMetricData supports no resource ARNs; the namespace condition scopes it.

    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = [var.metrics_namespace]
    }
  }

  statement {
    sid       = "DescribeLogGroups"
    effect    = "Allow"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
  }

  statement {
    sid       = "DescribeLogStreams"
    effect    = "Allow"
    actions   = ["logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.application.arn}:log-stream:*"]
  }

  statement {
    sid       = "PutLogEvents"
    effect    = "Allow"
    actions   = ["logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.application.arn}:log-stream:${aws_cloudwatch_log_stream.application.name}"]
  }

  # Only with customer-managed keys: AWS-managed keys (alias/aws/kinesis, aws/dynamodb) need no grant.
  dynamic "statement" {
    for_each = length(local.customer_managed_kms_key_arns) > 0 ? [1] : []

    content {
      sid       = "UseCustomerManagedKeys"
      effect    = "Allow"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
      resources = local.customer_managed_kms_key_arns

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values = [
          "kinesis.${local.region}.amazonaws.com",
          "dynamodb.${local.region}.amazonaws.com",
        ]
      }
    }
  }
}

resource "aws_iam_role_policy" "application" {
  name   = "${var.application_name}-access"
  role   = aws_iam_role.application.id
  policy = data.aws_iam_policy_document.application.json
}
