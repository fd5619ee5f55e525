using Verifier.Core.Graph;

namespace Verifier.Formats;

/// <summary>
/// The memory a loaded model takes to read and evaluate, estimated from its file and graph: the file's bytes
/// (held while parsing), every weight at <see cref="BytesPerParameter"/> bytes, and every activation value of
/// one sample at <see cref="BytesPerActivation"/> bytes times the samples evaluated at once. Analyses with
/// their own structures (bound matrices, solver state) come on top and have their own limits.
/// </summary>
public readonly record struct MemoryEstimate(long FileBytes, long Parameters, long ActivationsPerSample, int Batch)
{
    /// <summary>float32 as read, plus the float64 view the evaluator and the bounds use.</summary>
    public const int BytesPerParameter = 12;

    /// <summary>Activations are evaluated in float64 at most.</summary>
    public const int BytesPerActivation = 8;

    public static MemoryEstimate Of(NetworkGraph graph, long fileBytes, int batch) =>
        new(fileBytes, graph.ParameterCount,
            graph.Shapes.Where(s => !graph.Constants.ContainsKey(s.Key)).Sum(s => (long)s.Value.ElementCount), Math.Max(1, batch));

    /// <summary>The estimate in bytes; saturates instead of overflowing.</summary>
    public long Bytes
    {
        get
        {
            var total = (Int128)FileBytes + (Int128)Parameters * BytesPerParameter + (Int128)ActivationsPerSample * Batch * BytesPerActivation;
            return total > long.MaxValue ? long.MaxValue : (long)total;
        }
    }

    public override string ToString() =>
        $"file {Core.IO.ByteSize.Format(FileBytes)} + {Parameters:N0} weights x {BytesPerParameter} bytes + " +
        $"{ActivationsPerSample:N0} activation values x batch {Batch} x {BytesPerActivation} bytes";
}
