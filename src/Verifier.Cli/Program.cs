using Verifier.Cli;

return CliApp.Run(args);
