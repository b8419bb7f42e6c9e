using Licensing;
using Licensing.Telemetry;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddLicensing(builder.Configuration);
builder.Services.AddAzureMonitorExport(builder.Configuration);
builder.Build().Run();
