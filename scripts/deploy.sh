#!/usr/bin/env bash
# Builds the Trace Assembler jar and deploys it to Amazon Managed Service for Apache Flink with the
# Terraform module in terraform/. See docs/deploy.md.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tf_dir="$root/terraform"

usage() {
  cat <<'EOF'
Usage: scripts/deploy.sh [options]

Builds target/trace-assembler.jar, then runs terraform init / plan / apply in terraform/ and prints
the application status and console links.

Options:
  --var-file FILE   Terraform variables file (default: terraform/terraform.tfvars;
                    start from terraform/terraform.tfvars.example)
  --plan            Stop after terraform plan (no changes are made)
  --skip-build      Do not run mvn package; use the existing target/trace-assembler.jar
  --auto-approve    Apply the saved plan without asking (for CI)
  -h, --help        Show this help

Prerequisites: aws CLI v2 with credentials (checked with aws sts get-caller-identity),
terraform >= 1.5, java 11+ and mvn (unless --skip-build).

Environment: AWS_PROFILE / AWS_REGION etc. are used by both the aws CLI and terraform.
EOF
}

var_file="$tf_dir/terraform.tfvars"
plan_only=false
skip_build=false
auto_approve=false

while [[ $# -gt 0 ]]; do
  case "$1" in
    --var-file)
      [[ $# -ge 2 ]] || { echo "deploy: --var-file needs a file name" >&2; exit 2; }
      var_file=$2
      shift 2
      ;;
    --var-file=*) var_file=${1#--var-file=}; shift ;;
    --plan) plan_only=true; shift ;;
    --skip-build) skip_build=true; shift ;;
    --auto-approve) auto_approve=true; shift ;;
    -h | --help) usage; exit 0 ;;
    *) echo "deploy: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

log() { printf '==> %s\n' "$*" >&2; }

# --- Prerequisites: report everything that is missing at once --------------------------------------
missing=()
need() { # need COMMAND "what it is for / how to get it"
  command -v "$1" >/dev/null 2>&1 || missing+=("$1: $2")
}
need aws "AWS CLI v2 (https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html)"
need terraform "Terraform >= 1.5 (https://developer.hashicorp.com/terraform/install)"
if [[ $skip_build == false ]]; then
  need java "a JDK 11 or newer (the jar is compiled for Java 11)"
  need mvn "Apache Maven 3.8+ (or pass --skip-build with an existing target/trace-assembler.jar)"
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "deploy: missing prerequisites:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 1
fi

if ! identity=$(aws sts get-caller-identity --output text --query 'Arn' 2>&1); then
  echo "deploy: no usable AWS credentials (aws sts get-caller-identity failed):" >&2
  echo "  $identity" >&2
  echo "  Configure them with 'aws configure', 'aws sso login' or AWS_PROFILE / AWS_ACCESS_KEY_ID." >&2
  exit 1
fi
log "AWS identity: $identity"

tf_version=$(terraform version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([^"]*\)".*/\1/p' | head -n1)
if [[ -n $tf_version ]]; then
  major=${tf_version%%.*}
  rest=${tf_version#*.}
  minor=${rest%%.*}
  if ((major < 1 || (major == 1 && minor < 5))); then
    echo "deploy: terraform $tf_version is too old; the module needs >= 1.5" >&2
    exit 1
  fi
fi

if [[ ! -f $var_file ]]; then
  echo "deploy: variables file '$var_file' not found." >&2
  echo "  Create it from the example: cp terraform/terraform.tfvars.example terraform/terraform.tfvars" >&2
  exit 1
fi
var_file=$(cd "$(dirname "$var_file")" && pwd)/$(basename "$var_file")

# --- Build -----------------------------------------------------------------------------------------
jar="$root/target/trace-assembler.jar"
if [[ $skip_build == false ]]; then
  log "Building $jar (mvn -B -DskipTests package)"
  (cd "$root" && mvn -B -DskipTests package)
fi
if [[ ! -f $jar ]]; then
  echo "deploy: $jar does not exist; run without --skip-build" >&2
  exit 1
fi
log "Jar: $jar ($(du -h "$jar" | cut -f1))"

# --- Terraform ------------------------------------------------------------------------------------
log "terraform init"
terraform -chdir="$tf_dir" init -input=false

plan_file="$tf_dir/deploy.tfplan"
trap 'rm -f "$plan_file"' EXIT
log "terraform plan -var-file=$var_file"
terraform -chdir="$tf_dir" plan -input=false -var-file="$var_file" -out="$plan_file"

if [[ $plan_only == true ]]; then
  log "--plan given: stopping after the plan; nothing was changed."
  exit 0
fi

if [[ $auto_approve == false ]]; then
  if [[ ! -t 0 ]]; then
    echo "deploy: not a terminal; pass --auto-approve to apply without a prompt" >&2
    exit 1
  fi
  read -r -p "Apply this plan? [y/N] " answer
  [[ $answer == y || $answer == Y || $answer == yes ]] || { log "Not applied."; exit 0; }
fi

log "terraform apply"
terraform -chdir="$tf_dir" apply -input=false "$plan_file"

# --- Status and links ------------------------------------------------------------------------------
output() { terraform -chdir="$tf_dir" output -raw "$1"; }
app=$(output application_name)
region=$(terraform -chdir="$tf_dir" output -raw application_arn | cut -d: -f4)

log "Application status"
aws kinesisanalyticsv2 describe-application --region "$region" --application-name "$app" \
  --query 'ApplicationDetail.{Name:ApplicationName,Status:ApplicationStatus,Version:ApplicationVersionId,Runtime:RuntimeEnvironment,Parallelism:ApplicationConfigurationDescription.FlinkApplicationConfigurationDescription.ParallelismConfigurationDescription.CurrentParallelism}' \
  --output table

cat <<EOF

Application : $(output application_console_url)
Dashboard   : $(output dashboard_url)
Trace table : $(output trace_table_console_url)
Span stream : $(output span_stream_name)
Jar version : $(output application_jar_version_id)

The application may stay in STARTING/UPDATING for a few minutes; re-check with
  aws kinesisanalyticsv2 describe-application --region $region --application-name $app --query ApplicationDetail.ApplicationStatus
EOF
