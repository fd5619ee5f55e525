using System.Diagnostics;
using Verifier.Cli;
using Verifier.Complete;
using Verifier.Core.Results;
using Verifier.Formats;
using Verifier.Core.Specifications.VnnLib;
using Verifier.Smt;
using Verifier.Tests.Support;

namespace Verifier.Tests.Cli;

/// <summary>The live line of `check` and `vnncomp`: shown on a terminal, absent when redirected, gone before the answer.</summary>
public class ProgressDisplayTests
{
    private const string ClearLine = "\r\u001b[K";

    /// <summary>Needs a few seconds of branching: 256x4 prop 3 at eps 0.03 is not decided within them.</summary>
    private static readonly string[] LongCheck =
    [
        "check", SharedData.Benchmarks("mnistfc", "onnx", "mnist-net_256x4.onnx"),
        SharedData.Benchmarks("mnistfc", "vnnlib", "prop_3_0.03.vnnlib"), "--timeout", "5",
    ];

    [Fact]
    public async Task ATerminalSeesTheLiveLineAndThenTheAnswerOnAClearedLine()
    {
        // script(1) gives the CLI a pseudo-terminal, as a user at a shell has.
        var command = string.Join(' ', new[] { "dotnet", Path.Combine(AppContext.BaseDirectory, "verify.dll") }.Concat(LongCheck).Select(a => $"'{a}'"));
        var start = new ProcessStartInfo("script", ["-qfec", command, "/dev/null"]) { RedirectStandardOutput = true, UseShellExecute = false };
        using var p = Process.Start(start)!;
        var text = await p.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(10)), "the check did not end");
        Assert.Contains(ClearLine, text);
        // Which stages a loaded machine reaches in 5 s varies; the counts are TheSearchReportsItsStagesAndCounts' job.
        Assert.Matches(@"\r\u001b\[K. +\d+\.\d s  (attack|bounding the box|branch and bound)", text);
        var afterLastClear = text[(text.LastIndexOf(ClearLine, StringComparison.Ordinal) + ClearLine.Length)..];
        Assert.StartsWith("timeout", afterLastClear.TrimStart());
    }

    [Fact]
    public void RedirectedOutputHasNoLiveLine()
    {
        var r = CliRunner.Run(LongCheck);
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("timeout", r.Stdout); // the analysis's own answer, or the command deadline's on a loaded machine
        Assert.DoesNotContain('\u001b', r.Stdout + r.Stderr);
        Assert.DoesNotContain('\r', r.Stdout + r.Stderr);
    }

    [Fact]
    public void TheSearchReportsItsStagesAndCounts()
    {
        var acas = SharedData.Benchmarks("acasxu");
        var graph = ModelLoader.Load(Path.Combine(acas, "onnx", "ACASXU_run2a_1_9_batch_2000.onnx"));
        var property = VnnLibParser.Parse(Path.Combine(acas, "vnnlib", "prop_1.vnnlib"));
        var seen = new List<SearchProgress>();
        var options = new CompleteOptions { Timeout = TimeSpan.FromSeconds(60), Progress = seen.Add };
        var result = new CompleteVerifier(new Z3ExactSolver(), new Verifier.Compute.Attacks.SpecMarginPgd()).Verify(graph, property, options);

        Assert.Equal(Verdict.Verified, result.Verdict);
        Assert.Equal(SearchStage.Attack, seen[0].Stage);
        Assert.Equal(SearchStage.Bounds, seen[1].Stage);
        Assert.Null(seen[1].LowestMargin);
        Assert.Contains(seen, s => s.Stage == SearchStage.BranchAndBound && s.Open > 0 && s.LowestMargin is not null);
        for (int i = 1; i < seen.Count; i++) Assert.True(seen[i].Domains >= seen[i - 1].Domains && seen[i].Elapsed >= seen[i - 1].Elapsed);
        Assert.True(seen[^1].Domains <= result.Statistics.Domains);
    }

    [Fact]
    public void TheLineSaysWhatTheSearchIsDoing()
    {
        var elapsed = TimeSpan.FromSeconds(12.34);
        Assert.Equal("  12.3 s  starting", VerificationDisplay.Describe(null, elapsed));
        Assert.Equal("  12.3 s  attack  case 2/3", VerificationDisplay.Describe(new SearchProgress(SearchStage.Attack, 1, 3, 0, 0, 0, null, elapsed), elapsed));
        Assert.Equal("  12.3 s  branch and bound  1,234 sub-domains done, 56 open, depth 7  worst bound -0.0123 (proven when > 0)",
            VerificationDisplay.Describe(new SearchProgress(SearchStage.BranchAndBound, 0, 1, 1234, 56, 7, -0.0123, elapsed), elapsed));
    }
}
