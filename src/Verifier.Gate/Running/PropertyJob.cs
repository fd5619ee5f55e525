using Verifier.Core.Specifications;

namespace Verifier.Gate.Running;

/// <summary>
/// One property to decide: its stable id (used for sharding, baselines and merging) and how to build it
/// (null for DLV checks, whose property is the manipulation region around <see cref="Original"/>).
/// </summary>
public sealed record PropertyJob(
    string Id,
    string Spec,
    Func<SafetyProperty>? Property,
    double? Epsilon = null,
    int? ImageIndex = null,
    int? Label = null,
    double[]? Original = null,
    int ImageRows = 0,
    int ImageCols = 0);
