using Verifier.Cli;

// Timeouts count from process start, as a CI job or the VNN-COMP scripts measure them.
var started = DateTime.Now - System.Diagnostics.Process.GetCurrentProcess().StartTime;
int code = CliApp.Run(args, started > TimeSpan.Zero ? started : TimeSpan.Zero);
return CommandDeadline.CancelledWork ? ImmediateExit.Now(code) : code;
