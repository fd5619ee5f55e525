using Verifier.Core.Specifications.VnnLib;
using Verifier.Formats;
using Verifier.Formats.Idx;
using Verifier.Tests.Support;
using Xunit.Abstractions;

namespace Verifier.Tests.Fuzzing;

/// <summary>Every reader of untrusted input, fuzzed from the shared benchmark files: results or clean errors only.</summary>
public class ReaderFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    private void Check(FuzzReport r)
    {
        output.WriteLine($"{r.Format}: {r.Inputs} inputs, {r.Accepted} accepted, {r.Rejected} rejected cleanly, " +
                         $"{r.Failures.Count} failures, slowest {r.SlowestSeconds * 1000:F1} ms ({r.SlowestInput})");
        FuzzLog.Append(r);
        Assert.True(r.Failures.Count == 0, string.Join("\n", r.Failures.Take(10)));
    }

    [Fact]
    public void Onnx() => Check(FuzzHarness.Run("onnx",
        [SharedData.Benchmarks("acasxu", "onnx", "ACASXU_run2a_1_1_batch_2000.onnx"), SharedData.Benchmarks("dlv", "twoDcurve.onnx")],
        ".onnx", text: false, path => ModelLoader.Load(path), FuzzHarness.Iterations(2000), seed: 1, Limit));

    [Fact]
    public void Nnet() => Check(FuzzHarness.Run("nnet",
        [SharedData.Benchmarks("acasxu", "nnet", "ACASXU_run2a_1_1_batch_2000.nnet")],
        ".nnet", text: true, path => ModelLoader.Load(path), FuzzHarness.Iterations(1500), seed: 4, Limit));

    [Fact]
    public void Keras() => Check(FuzzHarness.Run("keras", [KerasSeed.Path], ".h5", text: false,
        path => ModelLoader.Load(path), FuzzHarness.Iterations(1500), seed: 5, Limit));

    [Fact]
    public void VnnLib() => Check(FuzzHarness.Run("vnnlib",
        [SharedData.Benchmarks("acasxu", "vnnlib", "prop_1.vnnlib"), SharedData.Benchmarks("acasxu", "vnnlib", "prop_6.vnnlib"),
         SharedData.Benchmarks("acasxu", "vnnlib", "prop_9.vnnlib")],
        ".vnnlib", text: true, path => VnnLibParser.Parse(path), FuzzHarness.Iterations(3000), seed: 2, Limit));

    [Fact]
    public void IdxImages() => Check(FuzzHarness.Run("idx", [IdxSeed.Images], ".idx", text: false,
        path => IdxReader.ReadImages(path, out _, out _, out _), FuzzHarness.Iterations(3000), seed: 3, Limit));
}

/// <summary>A small idx seed (the first 20 MNIST test images), so each fuzz input is cheap.</summary>
internal static class IdxSeed
{
    private static readonly Lazy<string> Path_ = new(() =>
    {
        var data = IdxReader.ReadDataset(SharedData.Path("data", "mnist", "t10k-images-idx3-ubyte.gz"),
            SharedData.Path("data", "mnist", "t10k-labels-idx1-ubyte.gz")).Take(20);
        var path = Path.Combine(Path.GetTempPath(), $"verifier-idx-seed-{Environment.ProcessId}.idx");
        IdxWriter.WriteImages(path, data.Pixels, data.Count, data.Rows, data.Cols);
        return path;
    });

    public static string Images => Path_.Value;
}

/// <summary>A small Keras-2 Sequential model (Dense-ReLU-Dense) written with the test-side HDF5 writer.</summary>
internal static class KerasSeed
{
    private static readonly Lazy<string> File_ = new(() =>
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"verifier-keras-seed-{Environment.ProcessId}.h5");
        KerasFileWriter.Write(path,
        [
            Formats.KerasImporterTests.Input("in", 4),
            Formats.KerasImporterTests.Dense("hidden", 3, "relu", Enumerable.Range(0, 12).Select(i => i * 0.1f - 0.5f).ToArray(), [0.1f, 0, -0.1f], inputs: 4),
            Formats.KerasImporterTests.Dense("out", 2, "softmax", [1, -1, 0.5f, 2, 0, -1], [0, 0.5f], inputs: 3),
        ]);
        return path;
    });

    public static string Path => File_.Value;
}

/// <summary>Appends each run's figures to VERIFIER_FUZZ_LOG when set (tools/fuzz prints them as a table).</summary>
internal static class FuzzLog
{
    private static readonly object Gate = new();

    public static void Append(FuzzReport r)
    {
        var log = Environment.GetEnvironmentVariable("VERIFIER_FUZZ_LOG");
        if (string.IsNullOrEmpty(log)) return;
        lock (Gate)
            File.AppendAllText(log, $"{r.Format}\t{r.Inputs}\t{r.Accepted}\t{r.Rejected}\t{r.Failures.Count}\t{r.SlowestSeconds * 1000:F1}\n");
    }
}
