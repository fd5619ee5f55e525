using Verifier.Dlv.Network;

namespace Verifier.Dlv.Search;

public enum SearchStrategy { Heuristic, Exhaustive, Guarantee }

/// <summary>Runs one of DLV's searches on one input.</summary>
public static class DlvRunner
{
    public static DlvResult Run(LayeredNetwork net, double[] image, DlvOptions options, SearchStrategy strategy, int paperLayer) => strategy switch
    {
        SearchStrategy.Heuristic => HeuristicSearch.Run(net, image, options, paperLayer),
        SearchStrategy.Exhaustive when paperLayer == 0 => BestFirstSearch.Run(net, image, options),
        SearchStrategy.Guarantee when paperLayer == 0 => RegionGuarantee.Run(net, image, options),
        _ => throw new ArgumentException($"the {strategy.ToString().ToLowerInvariant()} search runs on the input layer only (--layer 0)"),
    };
}
