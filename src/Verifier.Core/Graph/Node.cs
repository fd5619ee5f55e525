using Verifier.Core.Operators;

namespace Verifier.Core.Graph;

/// <summary>One operator application: named input values in, named output values out.</summary>
public sealed record Node(string Name, Operator Operator, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs)
{
    public override string ToString() => $"{Operator.OpType} '{Name}'";
}
