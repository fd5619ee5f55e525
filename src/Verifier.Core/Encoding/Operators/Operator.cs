using Verifier.Core.Encoding;

namespace Verifier.Core.Operators;

public abstract partial class Operator
{
    /// <summary>
    /// Encodes this node into exact linear arithmetic (see <see cref="IEncodingSink"/>) so that every float32
    /// execution within the input bounds is a solution. Operators without such an encoding refuse clearly.
    /// </summary>
    public virtual EncodedValue Encode(EncodingContext context) =>
        throw context.NotEncodable($"{OpType} has no exact linear encoding (only piecewise-linear networks can be solved exactly)");
}
