// The Seattle energy API on Azure Container Apps: a Log Analytics workspace for the logs, a Container Apps
// environment (Consumption), an Azure Container Registry for the image, and the app itself with external HTTPS
// ingress, liveness and readiness probes, scale to zero and an HTTP concurrency scale rule.
//
// Deployed twice by deploy.sh: first with deployApp=false (the registry must exist before `az acr build` can push to
// it), then with deployApp=true and the pushed image's tag.
targetScope = 'resourceGroup'

@description('Azure region; the resource group\'s by default.')
param location string = resourceGroup().location

@description('Prefix of every resource name.')
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

@description('vCPU per replica (Consumption: 0.25 to 2, in steps of 0.25, paired with memory at 2 GiB per vCPU).')
param cpu string = '0.5'

@description('Memory per replica, e.g. 1Gi for 0.5 vCPU.')
param memory string = '1Gi'

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

@description('Server log level: fatal, error, warn, info, debug, trace or silent.')
param logLevel string = 'info'

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

resource environment 'Microsoft.App/managedEnvironments@2024-03-01' = {
  name: '${appName}-env'
  location: location
  properties: {
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
    managedEnvironmentId: environment.id
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: containerPort
        transport: 'auto'
        allowInsecure: false
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
            memory: memory
          }
          env: [
            { name: 'PORT', value: string(containerPort) }
            { name: 'HOST', value: '0.0.0.0' }
            { name: 'MODELS_DIR', value: '/app/models' }
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
