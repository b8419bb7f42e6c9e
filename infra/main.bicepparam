// Parameters of infra/main.bicep. scripts/deploy.sh adds location, deployerPrincipalId and deployerPrincipalType on
// the command line; azd reads this file too (azure.yaml: infra.module main) and provides AZURE_PRINCIPAL_ID and
// AZURE_PRINCIPAL_TYPE (User, or ServicePrincipal when azd is logged in as one, e.g. in CI). The other environment
// variables read here are optional (azd env set NAME VALUE, or export them before deploy.sh).
using 'main.bicep'

param environmentName = 'licensing'

param instanceMemoryMB = 2048

param maximumInstanceCount = 40

param alwaysReadyInstances = 0

param tablePrefix = ''

// 1 behind Front Door or API Management (README, "Security"): how many proxies' X-Forwarded-For entries to believe.
param trustedProxyCount = 0

// Admin calls with Entra ID bearer tokens (README, "Admin calls with Entra ID tokens"): all three or none.
param adminTokenIssuer = ''

param adminTokenAudience = ''

param adminTokenRole = ''

param deployerPrincipalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')

param deployerPrincipalType = readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', 'User')

// A new vault name, for a redeployment within 90 days of deleting the resource group (README, "Deploying again").
param keyVaultNameSalt = readEnvironmentVariable('AZURE_KEY_VAULT_SALT', '')

// Network restriction: empty lists leave storage and Key Vault open (README, "Restricting network access").
param storageAllowedIpRanges = []

param keyVaultAllowedIpRanges = []

// Where the alert rules send e-mail; empty: no action group.
param alertEmail = readEnvironmentVariable('AZURE_ALERT_EMAIL', '')

param tags = {
  app: 'licensing'
}
