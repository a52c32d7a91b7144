#!/usr/bin/env bash
# Deploys the Seattle energy API to Azure Container Apps, queries it, and tears it down.
#
#   deploy/azure/deploy.sh [--dry-run] deploy     # resource group, registry, image build in Azure, app; prints the URL
#   deploy/azure/deploy.sh [--dry-run] query      # one prediction from the deployed API, with curl
#   deploy/azure/deploy.sh [--dry-run] teardown   # deletes the resource group and everything in it
#
# --dry-run prints every command (one line each, shell-quoted) instead of running it; values that a real run would
# read from Azure show as <placeholders>. Settings come from the environment:
#   AZURE_RESOURCE_GROUP (seattle-energy-rg), AZURE_LOCATION (westeurope), APP_NAME (seattle-energy),
#   IMAGE_TAG (the git commit, else "latest"), REGISTRY_NAME (derived by the template from the group when unset).
set -euo pipefail

# Paths are relative to the repository root, so that the printed commands can be pasted there.
cd "$(dirname "$0")/../.."
template=deploy/azure/main.bicep
example=deploy/azure/example-building.json

dry_run=false
command=""
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry_run=true ;;
    deploy | query | teardown)
      [[ -z "$command" ]] || { echo "one command at a time" >&2; exit 2; }
      command="$arg"
      ;;
    *)
      echo "usage: $0 [--dry-run] deploy|query|teardown" >&2
      exit 2
      ;;
  esac
done
[[ -n "$command" ]] || { echo "usage: $0 [--dry-run] deploy|query|teardown" >&2; exit 2; }

group="${AZURE_RESOURCE_GROUP:-seattle-energy-rg}"
location="${AZURE_LOCATION:-westeurope}"
app="${APP_NAME:-seattle-energy}"
tag="${IMAGE_TAG:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo latest)}"
registry_parameter=()
[[ -z "${REGISTRY_NAME:-}" ]] || registry_parameter=("registryName=$REGISTRY_NAME")

# One argument as the shell would need it typed: bare when it is plain, in single quotes otherwise.
quote() {
  if [[ "$1" =~ ^[][A-Za-z0-9_./:=@%+,\<\>-]+$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}

# Prints a command on one line (on stderr, as `+ command`); runs it unless this is a dry run.
run() {
  local line="+" arg
  for arg in "$@"; do line+=" $(quote "$arg")"; done
  echo "$line" >&2
  if [[ "$dry_run" == true ]]; then return 0; fi
  "$@"
}

# Like run, for a command whose output is a value needed later: prints <placeholder> for it on a dry run.
capture() {
  local placeholder="$1"
  shift
  if [[ "$dry_run" == true ]]; then
    run "$@"
    echo "<$placeholder>"
  else
    run "$@"
  fi
}

deployed_url() {
  capture url az deployment group show --resource-group "$group" --name "$app-app" \
    --query properties.outputs.url.value --output tsv
}

deploy() {
  if [[ "$dry_run" != true ]]; then command -v az >/dev/null || { echo "the Azure CLI (az) is needed" >&2; exit 1; }; fi
  run az account show --output none
  # Fresh subscriptions have these providers unregistered; registering is a no-op when they are.
  run az provider register --namespace Microsoft.App --wait
  run az provider register --namespace Microsoft.OperationalInsights --wait
  run az provider register --namespace Microsoft.ContainerRegistry --wait
  run az group create --name "$group" --location "$location" --output none
  # First pass: workspace, environment and registry, so that the image can be pushed before the app refers to it.
  local registry
  registry="$(capture registry-name az deployment group create --resource-group "$group" --name "$app-infra" \
    --template-file "$template" --parameters appName="$app" deployApp=false "${registry_parameter[@]}" \
    --query properties.outputs.registryName.value --output tsv)"
  # The image is built by the registry itself from this repository and its Dockerfile (no local Docker needed).
  run az acr build --registry "$registry" --image "$app:$tag" --file Dockerfile .
  local url
  url="$(capture url az deployment group create --resource-group "$group" --name "$app-app" \
    --template-file "$template" --parameters appName="$app" deployApp=true image="$app:$tag" \
    registryName="$registry" --query properties.outputs.url.value --output tsv)"
  echo "API:  $url"
  echo "Docs: $url/docs"
}

query() {
  local url
  url="$(deployed_url)"
  # Retries cover a replica starting from zero.
  run curl --fail-with-body --silent --show-error --retry 5 --retry-delay 3 --retry-all-errors \
    --request POST "$url/v1/predict" --header 'content-type: application/json' --data "@$example"
  [[ "$dry_run" == true ]] || echo
}

teardown() {
  run az group delete --name "$group" --yes --no-wait
}

"$command"
