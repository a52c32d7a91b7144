// The Seattle energy API on Azure Container Apps: a Log Analytics workspace for the logs, a workload-profiles
// Container Apps environment running the app on its built-in Consumption profile, an Azure Container Registry for the
// image, and the app itself with external HTTPS ingress, liveness and readiness probes, Prometheus metrics on a port
// only the environment reaches, scale to zero and an HTTP concurrency scale rule.
//
// Deployed twice by deploy.sh: first with deployApp=false (the registry must exist before `az acr build` can push to
// it), then with deployApp=true and the pushed image's tag.
targetScope = 'resourceGroup'

@description('Azure region; the resource group\'s by default.')
param location string = resourceGroup().location

@description('Prefix of every resource name: lowercase letters, digits and hyphens, starting with a letter (deploy.sh checks the pattern; Container Apps refuses capitals).')
@minLength(3)
@maxLength(20)
param appName string = 'seattle-energy'

@description('Registry name: 5-50 letters and digits, unique across Azure.')
@minLength(5)
@maxLength(50)
param registryName string = 'seattleenergy${uniqueString(resourceGroup().id)}'

@description('Create the container app (false on the first pass, before the image is pushed).')
param deployApp bool = true

@description('Repository and tag of the image in the registry, as pushed by `az acr build`.')
param image string = 'seattle-energy:latest'

@description('The port the server listens on inside the container (the image\'s EXPOSE and PORT).')
param containerPort int = 3000

@description('vCPU per replica on the Consumption profile, 0.25 to 4 in steps of 0.25; memory follows at 2 GiB per vCPU, the pairs Consumption accepts.')
@allowed(['0.25', '0.5', '0.75', '1', '1.25', '1.5', '1.75', '2', '2.5', '3', '3.5', '4'])
param cpu string = '0.5'

// The memory Consumption pairs with each vCPU size (2 GiB per vCPU); no other pair is accepted.
var memoryForCpu = {
  '0.25': '0.5Gi'
  '0.5': '1Gi'
  '0.75': '1.5Gi'
  '1': '2Gi'
  '1.25': '2.5Gi'
  '1.5': '3Gi'
  '1.75': '3.5Gi'
  '2': '4Gi'
  '2.5': '5Gi'
  '3': '6Gi'
  '3.5': '7Gi'
  '4': '8Gi'
}

@description('Server processes per replica (node:cluster workers); one per whole vCPU, at least one.')
param workers int = 1

@description('Fewest replicas; 0 lets the app scale to zero when idle (the first request then waits for a start).')
@minValue(0)
param minReplicas int = 0

@description('Most replicas.')
@minValue(1)
@maxValue(300)
param maxReplicas int = 5

@description('Concurrent requests per replica above which Container Apps adds a replica.')
param concurrentRequests int = 50

@description('Server log level.')
@allowed(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
param logLevel string = 'info'

@description('Port of GET /metrics (Prometheus), reachable from inside the environment only, never through the public ingress.')
param metricsPort int = 9464

@description('Origins allowed by CORS, comma-separated; empty keeps CORS closed.')
param corsOrigins string = ''

@description('Largest request body, e.g. 2mb.')
param bodyLimit string = '2mb'

@description('Largest batch, in buildings (at least 1000).')
param batchLimit int = 1000

@description('Time a client has to send a whole request, in ms.')
param requestTimeoutMs int = 30000

@description('Days Log Analytics keeps the logs.')
param logRetentionDays int = 30

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${appName}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: logRetentionDays
  }
}

// A workload-profiles environment (Consumption-only environments are the legacy kind); the app runs on its built-in
// serverless Consumption profile, which scales to zero and bills only while replicas run.
resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${appName}-env'
  location: location
  properties: {
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
    ]
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: registryName
  location: location
  sku: { name: 'Basic' }
  properties: {
    adminUserEnabled: false
  }
}

// The app pulls with its own identity (AcrPull on this registry only), so no registry password exists anywhere.
resource pullIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${appName}-pull'
  location: location
}

var acrPullRoleId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, pullIdentity.id, acrPullRoleId)
  scope: registry
  properties: {
    roleDefinitionId: acrPullRoleId
    principalId: pullIdentity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource app 'Microsoft.App/containerApps@2024-03-01' = if (deployApp) {
  name: appName
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${pullIdentity.id}': {} }
  }
  dependsOn: [acrPull]
  properties: {
    environmentId: environment.id
    workloadProfileName: 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: containerPort
        transport: 'auto'
        allowInsecure: false
        // /metrics is served on metricsPort only (METRICS_PORT below), mapped for the environment and not exposed to
        // the internet: a Prometheus or OpenTelemetry collector running as an app in the same environment scrapes
        // http://<appName>:<metricsPort>/metrics.
        additionalPortMappings: [
          {
            external: false
            targetPort: metricsPort
          }
        ]
      }
      registries: [
        {
          server: registry.properties.loginServer
          identity: pullIdentity.id
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'api'
          image: '${registry.properties.loginServer}/${image}'
          resources: {
            cpu: json(cpu)
            memory: memoryForCpu[cpu]
          }
          env: [
            { name: 'PORT', value: string(containerPort) }
            { name: 'HOST', value: '0.0.0.0' }
            { name: 'MODELS_DIR', value: '/app/models' }
            { name: 'METRICS_PORT', value: string(metricsPort) }
            { name: 'LOG_LEVEL', value: logLevel }
            { name: 'WORKERS', value: string(workers) }
            { name: 'BODY_LIMIT', value: bodyLimit }
            { name: 'BATCH_LIMIT', value: string(batchLimit) }
            { name: 'CORS_ORIGINS', value: corsOrigins }
            { name: 'REQUEST_TIMEOUT_MS', value: string(requestTimeoutMs) }
          ]
          probes: [
            {
              // Liveness only counts once the process answers: a cold replica gets up to a minute to start.
              // (Container Apps accepts at most 10 failures and 60 s of initial delay.)
              type: 'Startup'
              httpGet: { path: '/livez', port: containerPort }
              initialDelaySeconds: 5
              periodSeconds: 5
              timeoutSeconds: 3
              failureThreshold: 10
            }
            {
              type: 'Liveness'
              httpGet: { path: '/livez', port: containerPort }
              periodSeconds: 10
              timeoutSeconds: 3
              failureThreshold: 3
            }
            {
              // No traffic until the models are loaded and verified, nor while the process drains on SIGTERM.
              type: 'Readiness'
              httpGet: { path: '/readyz', port: containerPort }
              periodSeconds: 5
              timeoutSeconds: 3
              failureThreshold: 2
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'http-concurrency'
            http: {
              metadata: {
                concurrentRequests: string(concurrentRequests)
              }
            }
          }
        ]
      }
    }
  }
}

output registryName string = registry.name
output registryLoginServer string = registry.properties.loginServer
output url string = deployApp ? 'https://${app.properties.configuration.ingress.fqdn}' : ''
