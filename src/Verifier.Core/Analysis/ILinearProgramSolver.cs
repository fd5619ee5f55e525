namespace Verifier.Core.Analysis;

/// <summary>
/// min c^T x subject to RowLower &lt;= A x &lt;= RowUpper and VariableLower &lt;= x &lt;= VariableUpper, A in compressed
/// rows. Limits may be infinite on one side (rows) but variables are boxed (finite) here, which is what lets any dual
/// vector give a finite safe bound (<see cref="SafeLinearBound"/>).
/// </summary>
public sealed class LinearProgram
{
    private readonly List<double> _variableLower = [], _variableUpper = [], _rowLower = [], _rowUpper = [], _coefficients = [];
    private readonly List<int> _rowStart = [0], _columns = [];

    public int VariableCount => _variableLower.Count;
    public int RowCount => _rowLower.Count;
    public IReadOnlyList<double> VariableLower => _variableLower;
    public IReadOnlyList<double> VariableUpper => _variableUpper;
    public IReadOnlyList<double> RowLower => _rowLower;
    public IReadOnlyList<double> RowUpper => _rowUpper;

    /// <summary>Offsets into <see cref="Columns"/>/<see cref="Coefficients"/>, RowCount + 1 of them.</summary>
    public IReadOnlyList<int> RowStart => _rowStart;
    public IReadOnlyList<int> Columns => _columns;
    public IReadOnlyList<double> Coefficients => _coefficients;

    public int AddVariable(double lower, double upper)
    {
        if (!(double.IsFinite(lower) && double.IsFinite(upper) && lower <= upper))
            throw new ArgumentException($"variable box [{lower}, {upper}] must be finite and non-empty");
        _variableLower.Add(lower);
        _variableUpper.Add(upper);
        return _variableLower.Count - 1;
    }

    /// <summary>Adds lower &lt;= sum terms &lt;= upper (one side may be infinite); returns the row's index.</summary>
    public int AddRow(IEnumerable<(int Column, double Coefficient)> terms, double lower, double upper)
    {
        if (double.IsNaN(lower) || double.IsNaN(upper)) throw new ArgumentException("NaN row limit");
        foreach (var (column, coefficient) in terms)
        {
            if (coefficient == 0) continue;
            if ((uint)column >= (uint)VariableCount || !double.IsFinite(coefficient)) throw new ArgumentException($"bad term {coefficient} x{column}");
            _columns.Add(column);
            _coefficients.Add(coefficient);
        }
        _rowLower.Add(lower);
        _rowUpper.Add(upper);
        _rowStart.Add(_columns.Count);
        return _rowLower.Count - 1;
    }
}

public enum LinearProgramStatus { Optimal, Infeasible, NotSolved }

/// <summary>
/// What a floating-point solver claims. Nothing here is trusted: <see cref="SafeLinearBound"/> turns
/// <see cref="RowDuals"/> into a bound that holds whatever their values; <see cref="Objective"/> is informative only.
/// </summary>
public sealed record LinearProgramSolution(LinearProgramStatus Status, double Objective, double[] RowDuals);

/// <summary>A loaded LP whose objective changes between solves (warm-started from the previous basis when the solver can).</summary>
public interface ILinearProgramSession : IDisposable
{
    /// <summary>Minimises sum objective over the program's constraints; sparse objective, any column order.</summary>
    LinearProgramSolution Minimize(IReadOnlyList<(int Column, double Coefficient)> objective, TimeSpan limit, CancellationToken cancellation);
}

/// <summary>A floating-point LP back-end (Core stays free of native solvers; one is wired in by the pipeline).</summary>
public interface ILinearProgramSolver
{
    /// <summary>A session for one thread.</summary>
    ILinearProgramSession Load(LinearProgram program);
}
