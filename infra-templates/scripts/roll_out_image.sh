#!/usr/bin/env bash
# Rolls a pushed image out through the CloudFormation stack: ImageTag moves to the new tag
# (every other parameter keeps its value), CloudFormation registers new task definitions,
# runs the database migration task and updates the services; then the image gets the
# "deployed" tag, which the repository's lifecycle policy never expires.
# Usage: roll_out_image.sh STACK_NAME IMAGE_TAG DEPLOY_ROLE_ARN REPOSITORY
set -euo pipefail

if [ "$#" -ne 4 ]; then
  echo "usage: $0 STACK_NAME IMAGE_TAG DEPLOY_ROLE_ARN REPOSITORY" >&2
  exit 2
fi
stack=$1
tag=$2
role=$3
repository=$4

parameters=()
for key in $(aws cloudformation describe-stacks --stack-name "$stack" --query 'Stacks[0].Parameters[].ParameterKey' --output text); do
  if [ "$key" = "ImageTag" ]; then
    parameters+=("ParameterKey=ImageTag,ParameterValue=${tag}")
  else
    parameters+=("ParameterKey=${key},UsePreviousValue=true")
  fi
done

echo "Rolling ${tag} out through stack ${stack}"
aws cloudformation update-stack \
  --stack-name "$stack" \
  --use-previous-template \
  --capabilities CAPABILITY_NAMED_IAM \
  --role-arn "$role" \
  --parameters "${parameters[@]}"
if ! aws cloudformation wait stack-update-complete --stack-name "$stack"; then
  echo "The stack update did not complete (a failed migration or a service that did not stabilise rolls back); see the stack's events." >&2
  # shellcheck disable=SC2016 # the backticks are JMESPath literals, not shell
  aws cloudformation describe-stack-events --stack-name "$stack" --max-items 15 \
    --query 'StackEvents[?contains(ResourceStatus, `FAILED`)].[LogicalResourceId,ResourceStatusReason]' --output text >&2
  exit 1
fi

# Move the deployed tag to the image that now runs (same manifest, one more tag).
manifest=$(aws ecr batch-get-image --repository-name "$repository" --image-ids imageTag="$tag" --query 'images[0].imageManifest' --output text)
if ! aws ecr put-image --repository-name "$repository" --image-tag deployed --image-manifest "$manifest" >/dev/null 2>put-image.err; then
  # Re-deploying the image that already carries the tag is fine; anything else is not.
  grep -q ImageAlreadyExistsException put-image.err || { cat put-image.err >&2; exit 1; }
fi
echo "${tag} is deployed and tagged deployed in ${repository}"
