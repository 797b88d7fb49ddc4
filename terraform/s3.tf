# Application code bucket: versioned, so every jar upload has its own object version that the
# application pins (a rollback is an apply of an older jar or version).
resource "aws_s3_bucket" "artifacts" {
  bucket        = local.artifact_bucket_name
  force_destroy = var.artifact_bucket_force_destroy
}

resource "aws_s3_bucket_ownership_controls" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "artifacts" {
  bucket                  = aws_s3_bucket.artifacts.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    id     = "expire-old-jar-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days           = var.artifact_noncurrent_version_days
      newer_noncurrent_versions = var.artifact_keep_noncurrent_versions
    }
  }

  depends_on = [aws_s3_bucket_versioning.artifacts]
}

# The shaded job jar. A changed file (new MD5) uploads a new object version; the application
# points at that version, so the apply updates the running application (with a snapshot).
resource "aws_s3_object" "application_jar" {
  bucket       = aws_s3_bucket.artifacts.id
  key          = var.jar_s3_key
  source       = var.jar_path
  source_hash  = filemd5(var.jar_path)
  etag         = filemd5(var.jar_path)
  content_type = "application/java-archive"

  depends_on = [
    aws_s3_bucket_versioning.artifacts,
    aws_s3_bucket_server_side_encryption_configuration.artifacts,
  ]
}
