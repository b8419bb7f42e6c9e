// Role assignments of the app's user-assigned identity (and, optionally, of the deploying user).
//
// Each assignment is named guid(<scope resource>.id, <principal id>, <role definition id>). A principal id is
// only known once the identity exists, and a resource name in the template that creates the identity must be
// computable at the start of the deployment (BCP120), so the assignments live in this module, which receives the
// principal id as a parameter.
//
// Storage Table Data Contributor is on the account, not on the app's five tables alone: the Functions host
// records its diagnostic events in tables of its own (AzureFunctionsDiagnosticEvents...), which it creates, lists
// and purges, and without the role on the account it logs a 403 warning every few minutes.
//
// No queue role: the app has HTTP and timer triggers only. The host keeps its keys, timer schedule status and
// singleton locks (blob leases) in blobs, and Flex Consumption reads the deployment package from a blob
// container, so Storage Blob Data Owner on the account covers host storage, deployment and backups. Queue Data
// Contributor is needed for Durable Functions, blob (polling) and queue triggers, none of which the app uses.

@description('Principal (object) id of the function app\'s user-assigned identity.')
param principalId string

@description('Object id of whoever deploys; empty for none. When set: Key Vault Secrets Officer on the vault.')
param deployerPrincipalId string

@description('What deployerPrincipalId is: User, ServicePrincipal or Group (a mismatch fails the assignment).')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param deployerPrincipalType string

@description('Storage account holding host storage, the deployment container and the tables.')
param storageAccountName string

@description('Key Vault holding the app\'s secrets.')
param keyVaultName string

@description('Application Insights component the app sends telemetry to.')
param appInsightsName string

// Built-in role definition ids (the same in every tenant), written out where used so the compiled template shows them:
//   0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3  Storage Table Data Contributor
//   b7e6dc6d-f1e8-4753-8033-0f276bb0955b  Storage Blob Data Owner
//   4633458b-17de-408a-b874-0445c86b69e6  Key Vault Secrets User
//   b86a8fe4-44ce-4948-aee5-eccb2c155cd7  Key Vault Secrets Officer
//   3913510d-42f4-4e42-8a64-420c390055eb  Monitoring Metrics Publisher

resource storage 'Microsoft.Storage/storageAccounts@2026-06-01' existing = {
  name: storageAccountName
}

resource keyVault 'Microsoft.KeyVault/vaults@2026-05-15' existing = {
  name: keyVaultName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// Storage Table Data Contributor on the account: the app's five tables and the host's diagnostic-events tables.
resource storageTableData 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, principalId, '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Storage Blob Data Owner on the account: host storage (AzureWebJobsStorage), the deployment container and the
// backup container the BackupTables timer writes to.
resource storageBlobData 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, principalId, 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Key Vault Secrets User on the vault: the app's Key Vault references.
resource keyVaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: keyVault
  name: guid(keyVault.id, principalId, '4633458b-17de-408a-b874-0445c86b69e6')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Monitoring Metrics Publisher on Application Insights: Entra-authenticated telemetry (local auth is off).
resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: appInsights
  name: guid(appInsights.id, principalId, '3913510d-42f4-4e42-8a64-420c390055eb')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

// Key Vault Secrets Officer for the deployer (a user, or a service principal in CI), so scripts/ensure-secrets.sh can create the secrets.
resource deployerSecretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(deployerPrincipalId)) {
  scope: keyVault
  name: guid(keyVault.id, deployerPrincipalId, 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7')
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7')
    principalId: deployerPrincipalId
    principalType: deployerPrincipalType
  }
}
