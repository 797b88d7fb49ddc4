terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
}

provider "aws" {
  region = var.aws_region

  default_tags {
    tags = merge(
      {
        Application = var.application_name
        ManagedBy   = "terraform"
        Project     = "trace-assembler"
      },
      var.tags,
    )
  }
}
