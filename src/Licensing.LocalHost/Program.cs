await using var app = LocalFunctionsHost.Build(args);
return await SettingsGate.RunAsync(app, Console.Error);
