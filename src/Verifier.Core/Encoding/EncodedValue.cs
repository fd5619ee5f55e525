using Verifier.Core.Tensors;

namespace Verifier.Core.Encoding;

/// <summary>
/// A graph value in the encoding, flattened row-major: one variable per element (null for a model
/// constant) and the bounds asserted on each element (for a constant, its value twice).
/// </summary>
public sealed class EncodedValue
{
    private EncodedValue(Shape shape, Variable[]? variables, double[] lower, double[] upper)
    {
        Shape = shape;
        Variables = variables;
        Lower = lower;
        Upper = upper;
    }

    public Shape Shape { get; }
    public Variable[]? Variables { get; }
    public double[] Lower { get; }
    public double[] Upper { get; }
    public bool IsConstant => Variables is null;
    public int Length => Lower.Length;

    /// <summary>Largest magnitude element i can take.</summary>
    public double Magnitude(int i) => Math.Max(Math.Abs(Lower[i]), Math.Abs(Upper[i]));

    public static EncodedValue Of(Shape shape, Variable[] variables, double[] lower, double[] upper) => new(shape, variables, lower, upper);

    public static EncodedValue OfConstant(ConstantTensor constant)
    {
        var values = constant.As<double>().Data;
        return new(constant.Shape, null, values, values);
    }

    /// <summary>The same elements in another order and shape (data-movement operators).</summary>
    public EncodedValue Gather(Shape shape, int[] sourceIndex) => new(shape,
        Variables is null ? null : Array.ConvertAll(sourceIndex, i => Variables[i]),
        Array.ConvertAll(sourceIndex, i => Lower[i]),
        Array.ConvertAll(sourceIndex, i => Upper[i]));
}
