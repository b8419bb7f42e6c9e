var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddLicensing(builder.Configuration);
builder.Services.AddAzureMonitorExport(builder.Configuration);
return await SettingsGate.RunAsync(builder.Build(), Console.Error);
