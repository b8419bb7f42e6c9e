// Azure infrastructure of the licensing server: one Flex Consumption function app (dotnet-isolated 10.0)
// that reaches everything (host storage, its five tables, Key Vault, Application Insights) with ONE
// user-assigned managed identity. No account keys, no connection strings with keys, no secret values:
// the two secrets are created outside the template (scripts/ensure-secrets.sh) and read by the app through
// Key Vault references.
//
// Deploy: scripts/deploy.sh RESOURCE_GROUP LOCATION   (or `azd up`, see azure.yaml)

targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------------

@description('Azure region of every resource. Defaults to the resource group\'s region.')
param location string = resourceGroup().location

@description('Short name of this deployment, used in every resource name: letters and digits (a hyphen is allowed but dropped from the storage account and Key Vault names), lowercased. At most 9 characters so those two names stay within 24 characters.')
@minLength(2)
@maxLength(9)
param environmentName string

@description('Memory of each Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the app scales out to. Flex Consumption accepts 40 (the lowest maximum) to 1000.')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Always-ready instances of the HTTP functions group (billed while idle). 0 scales to zero. At most 40, the lowest allowed maximumInstanceCount, so it can never exceed the maximum.')
@minValue(0)
@maxValue(40)
param alwaysReadyInstances int = 0

@description('Prepended to the names of the five tables (Licenses, LeaseExpiry, ApiKeys, LicenseCatalog, Webhooks) and passed to the app as Licensing__TablePrefix: letters and digits, starting with a letter, at most 21 characters; empty for none.')
@maxLength(21)
param tablePrefix string = ''

@description('Days a backup (and each earlier version of its blobs) is kept in the backup container before the lifecycle rule deletes it.')
@minValue(1)
@maxValue(3650)
param backupRetentionDays int = 35

@description('Six-field cron schedule of the BackupTables timer, passed as Licensing__BackupSchedule: daily at 03:00 UTC by default.')
param backupSchedule string = '0 0 3 * * *'

@description('Object id of whoever deploys: a user (az ad signed-in-user show --query id) or a service principal (az ad sp show --id APP_ID --query id). When set, it gets Key Vault Secrets Officer on the vault so scripts/ensure-secrets.sh can create the two secrets. Empty for none.')
param deployerPrincipalId string = ''

@description('What deployerPrincipalId is: User, ServicePrincipal (azd or deploy.sh under a service principal, e.g. in CI) or Group. azd fills it from AZURE_PRINCIPAL_TYPE; scripts/deploy.sh from az account show.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string = 'User'

@description('Empty (the default) keeps the Key Vault name of earlier deployments. Any other value gives the vault a new name: for a redeployment within 90 days of deleting the resource group, whose vault (purge protection on) still holds the old name. scripts/deploy.sh recovers such a vault instead.')
@maxLength(32)
param keyVaultNameSalt string = ''

@description('IPv4 addresses or CIDR ranges allowed to reach the storage account; empty (the default) leaves it open to all networks, as Flex Consumption needs unless the app reaches storage from one of these ranges (VNet integration with a NAT gateway, not in this template). Trusted Azure services are let through either way.')
param storageAllowedIpRanges string[] = []

@description('IPv4 addresses or CIDR ranges allowed to reach the Key Vault; empty (the default) leaves it open to all networks. Key Vault references are resolved by the platform as a trusted service; the deployer (ensure-secrets.sh) must call from one of these ranges.')
param keyVaultAllowedIpRanges string[] = []

@description('E-mail address the alert rules notify through an action group; empty (the default): the alerts fire in Azure Monitor only.')
param alertEmail string = ''

@description('The OpenID Connect issuer whose bearer tokens admin calls also accept, passed as Licensing__AdminTokenIssuer: for Entra ID your tenant\'s v2.0 issuer (see the README, "Admin calls with Entra ID tokens"). Empty (the default): admin calls take API keys only. Set all three adminToken parameters or none.')
param adminTokenIssuer string = ''

@description('The audience (aud) those tokens must carry, passed as Licensing__AdminTokenAudience: for Entra ID v2.0 tokens the API app registration\'s application (client) id. Empty when adminTokenIssuer is.')
param adminTokenAudience string = ''

@description('The app role those tokens must hold in their roles claim, passed as Licensing__AdminTokenRole. Empty when adminTokenIssuer is.')
param adminTokenRole string = ''

@description('Proxies in front of the Functions host whose X-Forwarded-For entries the app believes, passed as Licensing__TrustedProxyCount: 0 (the default) when clients call the app directly; 1 behind Front Door or API Management. The caller\'s address (rate limits, wrong-key throttle, audit) is the entry that many hops before the host\'s own.')
@minValue(0)
@maxValue(10)
param trustedProxyCount int = 0

@description('Tags put on every resource.')
param tags {
  @description('A tag value.')
  *: string
} = {}

// ---------------------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------------------

@description('Stable per subscription, resource group, environment and region; makes the global names unique.')
var resourceToken = uniqueString(subscription().id, resourceGroup().id, environmentName, location)

@description('The environment name as it appears in names that allow hyphens.')
var envName = toLower(environmentName)

@description('The environment name for the storage account and Key Vault names: lowercase letters and digits only.')
var envCompact = replace(envName, '-', '')

@description('Names of all resources: abbreviation + environment name + resourceToken.')
var names = {
  identity: 'id-${envName}-${resourceToken}'
  storage: 'st${envCompact}${resourceToken}'
  logAnalytics: 'log-${envName}-${resourceToken}'
  appInsights: 'appi-${envName}-${resourceToken}'
  keyVault: empty(keyVaultNameSalt) ? 'kv${envCompact}${resourceToken}' : 'kv${envCompact}${uniqueString(resourceToken, keyVaultNameSalt)}'
  plan: 'plan-${envName}-${resourceToken}'
  functionApp: 'func-${envName}-${resourceToken}'
}

// ---------------------------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------------------------

// The app's only identity: host storage, deployment package, tables, Key Vault references, telemetry.
resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: names.identity
  location: location
  tags: tags
}

// ---------------------------------------------------------------------------------------------------------
// Storage: host storage (AzureWebJobsStorage), the deployment container and the app's five tables
// ---------------------------------------------------------------------------------------------------------

resource storage 'Microsoft.Storage/storageAccounts@2026-06-01' = {
  name: names.storage
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: empty(storageAllowedIpRanges) ? 'Allow' : 'Deny'
      bypass: 'AzureServices'
      ipRules: [
        for range in storageAllowedIpRanges: {
          value: range
          action: 'Allow'
        }
      ]
    }
  }
}

// Versioning and soft delete keep a backup overwritten or deleted by mistake recoverable for a while.
resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2026-06-01' = {
  parent: storage
  name: 'default'
  properties: {
    isVersioningEnabled: true
    deleteRetentionPolicy: {
      enabled: true
      days: 14
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: 14
    }
  }
}

// The BackupTables timer's container: gzip JSON lines per table and a manifest per backup (docs/backups.md).
resource backupContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = {
  parent: blobService
  name: 'backups'
  properties: {
    publicAccess: 'None'
  }
}

// Keeps the last backupRetentionDays days of backups: older blobs and older versions are deleted.
resource backupLifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2026-06-01' = {
  parent: storage
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'keep-recent-backups'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${backupContainer.name}/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: backupRetentionDays
                }
              }
              version: {
                delete: {
                  daysAfterCreationGreaterThan: backupRetentionDays
                }
              }
            }
          }
        }
      ]
    }
  }
}

// The container the Flex Consumption app runs its deployment package from (functionAppConfig below).
resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = {
  parent: blobService
  name: 'app-package'
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2026-06-01' = {
  parent: storage
  name: 'default'
}

resource licensesTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2026-06-01' = {
  parent: tableService
  name: '${tablePrefix}Licenses'
}

resource leaseExpiryTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2026-06-01' = {
  parent: tableService
  name: '${tablePrefix}LeaseExpiry'
}

resource apiKeysTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2026-06-01' = {
  parent: tableService
  name: '${tablePrefix}ApiKeys'
}

resource webhooksTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2026-06-01' = {
  parent: tableService
  name: '${tablePrefix}Webhooks'
}

resource licenseCatalogTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2026-06-01' = {
  parent: tableService
  name: '${tablePrefix}LicenseCatalog'
}

// ---------------------------------------------------------------------------------------------------------
// Monitoring: Log Analytics + workspace-based Application Insights, Entra-only ingestion
// ---------------------------------------------------------------------------------------------------------

resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: names.logAnalytics
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: names.appInsights
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
    DisableLocalAuth: true
  }
}

// ---------------------------------------------------------------------------------------------------------
// Key Vault: RBAC only, soft delete + purge protection. The template creates no secrets.
// ---------------------------------------------------------------------------------------------------------

resource keyVault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: names.keyVault
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: empty(keyVaultAllowedIpRanges) ? 'Allow' : 'Deny'
      bypass: 'AzureServices'
      ipRules: [
        for range in keyVaultAllowedIpRanges: {
          value: range
        }
      ]
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Role assignments (in a module: see the comment there on why)
// ---------------------------------------------------------------------------------------------------------

module roleAssignments 'modules/role-assignments.bicep' = {
  params: {
    // The role assignment names include this principal id (a value known only once the identity exists),
    // so a re-created identity gets new assignments instead of a RoleAssignmentUpdateNotPermitted conflict.
    // The price is that what-if cannot predict those names; the linter rule says so, deliberately accepted.
    #disable-next-line what-if-short-circuiting
    principalId: identity.properties.principalId
    deployerPrincipalId: deployerPrincipalId
    deployerPrincipalType: deployerPrincipalType
    storageAccountName: storage.name
    keyVaultName: keyVault.name
    appInsightsName: appInsights.name
  }
}

// ---------------------------------------------------------------------------------------------------------
// Diagnostic settings (Key Vault and storage to Log Analytics), the workbook and the alert rules
// ---------------------------------------------------------------------------------------------------------

module diagnostics 'modules/diagnostics.bicep' = {
  params: {
    storageAccountName: storage.name
    keyVaultName: keyVault.name
    logAnalyticsName: logAnalytics.name
  }
  dependsOn: [
    // The services are children the module only names: they must exist first.
    blobService
    tableService
  ]
}

module monitoring 'modules/monitoring.bicep' = {
  params: {
    location: location
    tags: tags
    environmentName: envName
    appInsightsName: appInsights.name
    alertEmail: alertEmail
  }
}

// ---------------------------------------------------------------------------------------------------------
// Flex Consumption plan and the function app
// ---------------------------------------------------------------------------------------------------------

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: names.plan
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: names.functionApp
  location: location
  // azd deploys the service `api` of azure.yaml to the resource carrying this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    publicNetworkAccess: 'Enabled'
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      // No FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION: Flex Consumption rejects them, the runtime
      // is set in functionAppConfig. No storage keys: the host reaches storage with the identity. The two
      // secrets are Key Vault references (resolved with keyVaultReferenceIdentity); scripts/ensure-secrets.sh
      // creates licensing-admin-api-key and licensing-signing-key in the vault.
      appSettings: [
        {
          name: 'AzureWebJobsStorage__accountName'
          value: storage.name
        }
        {
          name: 'AzureWebJobsStorage__credential'
          value: 'managedidentity'
        }
        {
          name: 'AzureWebJobsStorage__clientId'
          value: identity.properties.clientId
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING'
          value: 'ClientId=${identity.properties.clientId};Authorization=AAD'
        }
        {
          name: 'Licensing__AdminApiKey'
          value: '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=licensing-admin-api-key)'
        }
        {
          name: 'Licensing__SigningKey'
          value: '@Microsoft.KeyVault(VaultName=${keyVault.name};SecretName=licensing-signing-key)'
        }
        {
          name: 'Licensing__TableServiceUri'
          value: storage.properties.primaryEndpoints.table
        }
        {
          name: 'Licensing__ManagedIdentityClientId'
          value: identity.properties.clientId
        }
        {
          name: 'Licensing__TablePrefix'
          value: tablePrefix
        }
        {
          name: 'Licensing__ExpirySchedule'
          value: '0 */1 * * * *'
        }
        {
          name: 'Licensing__BackupSchedule'
          value: backupSchedule
        }
        {
          name: 'Licensing__BackupContainer'
          value: backupContainer.name
        }
        {
          name: 'Licensing__BackupBlobServiceUri'
          value: storage.properties.primaryEndpoints.blob
        }
        {
          name: 'Licensing__ExpiryMaxEntriesPerRun'
          value: '5000'
        }
        {
          name: 'Licensing__WebhookSchedule'
          value: '*/5 * * * * *'
        }
        {
          name: 'Licensing__AllowInsecureWebhookUrls'
          value: 'false'
        }
        {
          name: 'Licensing__SignAnswers'
          value: 'true'
        }
        {
          name: 'Licensing__AllowPrivateWebhookTargets'
          value: 'false'
        }
        {
          name: 'Licensing__TokenRetention'
          value: '7.00:00:00'
        }
        {
          name: 'Licensing__MaxEndedSeatsPerLicense'
          value: '1000'
        }
        {
          name: 'Licensing__MaxEventsPerLicense'
          value: '10000'
        }
        {
          name: 'Licensing__ActivationTokenLifetime'
          value: '30.00:00:00'
        }
        {
          name: 'Licensing__DefaultHeartbeatInterval'
          value: '00:05:00'
        }
        {
          name: 'Licensing__LicenseCacheTtl'
          value: '00:00:05'
        }
        {
          name: 'Licensing__RateLimitPerKey'
          value: '1000'
        }
        {
          name: 'Licensing__RateLimitPerAddress'
          value: '300'
        }
        {
          name: 'Licensing__FailedKeyLimitPerAddress'
          value: '30'
        }
        {
          name: 'Licensing__TrustedProxyCount'
          value: string(trustedProxyCount)
        }
        {
          name: 'Licensing__AdminTokenIssuer'
          value: adminTokenIssuer
        }
        {
          name: 'Licensing__AdminTokenAudience'
          value: adminTokenAudience
        }
        {
          name: 'Licensing__AdminTokenRole'
          value: adminTokenRole
        }
      ]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}app-package'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // Always-ready counts are only sent when there are some: an empty list scales the HTTP group to zero.
        alwaysReady: alwaysReadyInstances > 0
          ? [
              {
                name: 'http'
                instanceCount: alwaysReadyInstances
              }
            ]
          : []
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
  dependsOn: [
    // The package container must exist before the app points at it; the identity needs its roles before the
    // host first reaches storage and Key Vault.
    deploymentContainer
    roleAssignments
  ]
}

// Publishing only with Entra ID (az / azd use it): no FTP or SCM basic-auth credentials.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

// ---------------------------------------------------------------------------------------------------------
// Outputs (names and addresses only: nothing secret)
// ---------------------------------------------------------------------------------------------------------

@description('Name of the function app (az functionapp deployment source config-zip --name).')
output functionAppName string = functionApp.name

@description('Base address of the licensing API.')
output functionAppUrl string = 'https://${functionApp.properties.defaultHostName}'

@description('Name of the Key Vault holding licensing-admin-api-key and licensing-signing-key.')
output keyVaultName string = keyVault.name

@description('Name of the storage account (host storage, deployment package, tables).')
output storageAccountName string = storage.name

@description('Client id of the app\'s user-assigned identity.')
output identityClientId string = identity.properties.clientId

@description('The Key Vault name again under the azd naming convention, for the azd postprovision hook.')
output AZURE_KEY_VAULT_NAME string = keyVault.name

@description('The resource group under the azd naming convention, for the azd hooks.')
output AZURE_RESOURCE_GROUP string = resourceGroup().name

@description('The function app\'s name under the azd naming convention, for the azd hooks.')
output AZURE_FUNCTION_APP_NAME string = functionApp.name

@description('The storage account\'s name under the azd naming convention, for the azd predeploy hook.')
output AZURE_STORAGE_ACCOUNT_NAME string = storage.name

@description('Principal (object) id of the app\'s identity, for the azd predeploy hook to find its role assignments.')
output AZURE_APP_PRINCIPAL_ID string = identity.properties.principalId

@description('Resource id of the operations workbook (portal: Application Insights > Workbooks).')
output workbookId string = monitoring.outputs.workbookId
