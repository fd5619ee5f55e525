using System.Diagnostics;

namespace Verifier.Tools.Z3Probe;

/// <summary>A long-running `z3 -in` spoken to in SMT-LIB2, one reply line per command that answers.</summary>
internal sealed class Z3Process : IDisposable
{
    private readonly Process _process;

    public Z3Process()
    {
        _process = Process.Start(new ProcessStartInfo("z3", "-in")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("cannot start z3");
    }

    public void Send(string text) => _process.StandardInput.Write(text);

    /// <summary>Sends (check-sat) and returns "sat", "unsat" or "unknown".</summary>
    public string CheckSat()
    {
        _process.StandardInput.WriteLine("(check-sat)");
        _process.StandardInput.Flush();
        return _process.StandardOutput.ReadLine() ?? "eof";
    }

    /// <summary>Reads a (get-value ...) reply, which may span lines, up to its closing parenthesis.</summary>
    public string GetValue(string terms)
    {
        _process.StandardInput.WriteLine($"(get-value ({terms}))");
        _process.StandardInput.Flush();
        var reply = new System.Text.StringBuilder();
        int depth = 0;
        do
        {
            var line = _process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("z3 closed its output");
            reply.AppendLine(line);
            depth += line.Count(c => c == '(') - line.Count(c => c == ')');
        } while (depth > 0);
        return reply.ToString();
    }

    public void Dispose()
    {
        try { _process.StandardInput.WriteLine("(exit)"); _process.WaitForExit(2000); } catch (IOException) { }
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
