// Parameters of infra/main.bicep. scripts/deploy.sh adds location and deployerPrincipalId on the command line;
// azd reads this file too (azure.yaml: infra.module main) and provides AZURE_PRINCIPAL_ID.
using 'main.bicep'

param environmentName = 'licensing'

param instanceMemoryMB = 2048

param maximumInstanceCount = 40

param alwaysReadyInstances = 0

param tablePrefix = ''

// Admin calls with Entra ID bearer tokens (README, "Admin calls with Entra ID tokens"): all three or none.
param adminTokenIssuer = ''

param adminTokenAudience = ''

param adminTokenRole = ''

param deployerPrincipalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')

param tags = {
  app: 'licensing'
}
