#!/usr/bin/env bash
# Deploys the Seattle energy API to Azure Container Apps, queries it, restarts it, and tears it down.
#
#   deploy/azure/deploy.sh [--dry-run] deploy     # resource group, registry, image build, app; prints the URL
#   deploy/azure/deploy.sh [--dry-run] query      # one prediction from the deployed API, with curl
#   deploy/azure/deploy.sh [--dry-run] restart    # restarts the app's active revision (same image, same settings)
#   deploy/azure/deploy.sh [--dry-run] teardown   # deletes the resource group and everything in it
#
# --dry-run prints every command (one line each, shell-quoted, so a printed line can be pasted) instead of running it;
# values that a real run would read from Azure show as '<placeholders>'. Settings come from the environment:
#   AZURE_RESOURCE_GROUP (seattle-energy-rg), AZURE_LOCATION (westeurope), APP_NAME (seattle-energy; lowercase
#   letters, digits and hyphens), IMAGE_TAG (the git commit, else "latest"), REGISTRY_NAME (derived by the template
#   from the group when unset), IMAGE_BUILD (acr: the registry builds the image with `az acr build`; local: docker
#   builds it here and pushes it, for subscriptions where ACR Tasks are not allowed), CPU (0.5 vCPU per replica; memory
#   follows at 2 GiB per vCPU), MIN_REPLICAS (0: scale to zero when idle), LOG_LEVEL (info).
# Runs on bash 3.2 (macOS) too: no associative arrays, and empty arrays are expanded only through ${a[@]+...}.
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
    deploy | query | restart | teardown)
      [[ -z "$command" ]] || { echo "one command at a time" >&2; exit 2; }
      command="$arg"
      ;;
    *)
      echo "usage: $0 [--dry-run] deploy|query|restart|teardown" >&2
      exit 2
      ;;
  esac
done
[[ -n "$command" ]] || { echo "usage: $0 [--dry-run] deploy|query|restart|teardown" >&2; exit 2; }

group="${AZURE_RESOURCE_GROUP:-seattle-energy-rg}"
location="${AZURE_LOCATION:-westeurope}"
app="${APP_NAME:-seattle-energy}"
tag="${IMAGE_TAG:-$(git rev-parse --short=12 HEAD 2>/dev/null || echo latest)}"
image_build="${IMAGE_BUILD:-acr}"
cpu="${CPU:-0.5}"
min_replicas="${MIN_REPLICAS:-0}"
log_level="${LOG_LEVEL:-info}"

# Settings are checked before anything runs: Azure would refuse most of them only minutes into a deployment.
invalid() {
  echo "$1" >&2
  exit 2
}
# Container app names: lowercase letters, digits and hyphens, a letter first, no hyphen last (3-20 here, since the
# other resources' names are derived from it).
[[ "$app" =~ ^[a-z][a-z0-9-]{1,18}[a-z0-9]$ && "$app" != *--* ]] ||
  invalid "APP_NAME must be 3-20 lowercase letters, digits and single hyphens, starting with a letter (got \"$app\")"
case "$cpu" in
  0.25 | 0.5 | 0.75 | 1 | 1.25 | 1.5 | 1.75 | 2 | 2.5 | 3 | 3.5 | 4) ;;
  *) invalid "CPU must be one of 0.25 0.5 0.75 1 1.25 1.5 1.75 2 2.5 3 3.5 4 (vCPU; memory follows at 2 GiB per vCPU), got \"$cpu\"" ;;
esac
case "$log_level" in
  fatal | error | warn | info | debug | trace | silent) ;;
  *) invalid "LOG_LEVEL must be one of fatal error warn info debug trace silent, got \"$log_level\"" ;;
esac
[[ "$min_replicas" =~ ^[0-9]+$ ]] || invalid "MIN_REPLICAS must be a whole number (0 scales to zero), got \"$min_replicas\""
case "$image_build" in
  acr | local) ;;
  *) invalid "IMAGE_BUILD must be acr (the registry builds the image) or local (docker here, then push), got \"$image_build\"" ;;
esac
registry_parameter=()
[[ -z "${REGISTRY_NAME:-}" ]] || registry_parameter=("registryName=$REGISTRY_NAME")
# Every deployment of the app passes the same settings, so a later `deploy` keeps them.
app_parameters=(cpu="$cpu" minReplicas="$min_replicas" logLevel="$log_level")

# One argument as the shell would need it typed: bare when it is plain, in single quotes otherwise (so a printed
# '<placeholder>' pastes as text, not as a redirection).
quote() {
  if [[ "$1" =~ ^[][A-Za-z0-9_./:=@%+,-]+$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
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
  if [[ "$dry_run" != true ]]; then
    command -v az >/dev/null || { echo "the Azure CLI (az) is needed" >&2; exit 1; }
    if [[ "$image_build" == local ]]; then command -v docker >/dev/null || { echo "IMAGE_BUILD=local needs docker" >&2; exit 1; }; fi
  fi
  run az account show --output none
  # Fresh subscriptions have these providers unregistered; registering is a no-op when they are.
  run az provider register --namespace Microsoft.App --wait
  run az provider register --namespace Microsoft.OperationalInsights --wait
  run az provider register --namespace Microsoft.ContainerRegistry --wait
  run az group create --name "$group" --location "$location" --output none
  # First pass: workspace, environment and registry, so that the image can be pushed before the app refers to it.
  local registry
  registry="$(capture registry-name az deployment group create --resource-group "$group" --name "$app-infra" \
    --template-file "$template" --parameters appName="$app" deployApp=false \
    ${registry_parameter[@]+"${registry_parameter[@]}"} \
    --query properties.outputs.registryName.value --output tsv)"
  if [[ "$image_build" == acr ]]; then
    # The registry builds the image from this repository and its Dockerfile (no local Docker needed).
    run az acr build --registry "$registry" --image "$app:$tag" --file Dockerfile .
  else
    # Where ACR Tasks are not allowed (common on free and trial subscriptions): build here, sign in, push.
    local server
    server="$(capture registry-server az acr show --name "$registry" --query loginServer --output tsv)"
    run docker build --tag "$server/$app:$tag" --file Dockerfile .
    run az acr login --name "$registry"
    run docker push "$server/$app:$tag"
  fi
  local url
  url="$(capture url az deployment group create --resource-group "$group" --name "$app-app" \
    --template-file "$template" --parameters appName="$app" deployApp=true image="$app:$tag" \
    registryName="$registry" "${app_parameters[@]}" --query properties.outputs.url.value --output tsv)"
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

# A template deployed again unchanged makes no new revision, so it fixes nothing that went wrong at start (an image
# pull refused before the AcrPull role assignment had spread, say): restarting the active revision does.
restart() {
  local revision
  revision="$(capture revision az containerapp show --name "$app" --resource-group "$group" \
    --query properties.latestRevisionName --output tsv)"
  run az containerapp revision restart --name "$app" --resource-group "$group" --revision "$revision"
}

teardown() {
  run az group delete --name "$group" --yes --no-wait
}

"$command"
