using Verifier.Core.Errors;
using Verifier.Core.Graph;
using Verifier.Core.Specifications;
using Verifier.Core.Specifications.VnnLib;
using Verifier.Formats;

namespace Verifier.Pipeline;

/// <summary>A model and a VNN-LIB property loaded together and checked to fit each other.</summary>
public sealed record ModelAndProperty(NetworkGraph Graph, SafetyProperty Property)
{
    public static ModelAndProperty Load(string modelPath, string specPath, ModelLoadOptions? limits = null)
    {
        var graph = ModelLoader.Load(modelPath, limits);
        return Create(graph, VnnLibParser.Parse(specPath), modelPath, specPath);
    }

    /// <summary>Checks that the property fits the network (one input, one output, matching sizes).</summary>
    public static ModelAndProperty Create(NetworkGraph graph, SafetyProperty property, string modelPath, string specPath)
    {
        if (graph.InputNames.Count != 1 || graph.OutputNames.Count != 1)
            throw new InputException(modelPath, $"verification needs one data input and one output, the model has {graph.InputNames.Count} and {graph.OutputNames.Count}");
        if (property.InputCount != graph.InputShape.ElementCount)
            throw new InputException(specPath, $"declares {property.InputCount} inputs but {modelPath} takes {graph.InputShape.ElementCount} ({graph.InputShape})");
        if (property.OutputCount != graph.OutputShape.ElementCount)
            throw new InputException(specPath, $"declares {property.OutputCount} outputs but {modelPath} produces {graph.OutputShape.ElementCount} ({graph.OutputShape})");
        return new ModelAndProperty(graph, property);
    }
}
