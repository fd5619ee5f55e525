using Verifier.Core.Errors;

namespace Verifier.Gate.Running;

/// <summary>
/// Shard K of N: the properties of the whole gate, ordered by id, take every N-th starting at K-1. The split
/// depends only on the ids, so N machines with the same config and the same data cover each property once.
/// </summary>
public sealed record Shard(int Index, int Count)
{
    public static readonly Shard All = new(1, 1);

    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out int k) && int.TryParse(parts[1], out int n) && n >= 1 && k >= 1 && k <= n)
            return new Shard(k, n);
        throw new InputException("--shard", $"'{text}' is not K/N with 1 <= K <= N");
    }

    public IEnumerable<string> Select(IEnumerable<string> ids) =>
        ids.Order(StringComparer.Ordinal).Where((_, i) => i % Count == Index - 1);

    public override string ToString() => $"{Index}/{Count}";
}
