using Licensing.LocalHost;

await using var app = LocalFunctionsHost.Build(args);
await app.RunAsync();
