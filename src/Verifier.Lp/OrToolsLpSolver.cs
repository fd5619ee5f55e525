using Google.OrTools.LinearSolver;
using Verifier.Core.Analysis;

namespace Verifier.Lp;

/// <summary>
/// LPs through OR-Tools' MPSolver; GLOP by default (the README says why: measured against CLP and PDLP). The answers
/// are only suggestions: callers turn the duals into bounds with <see cref="SafeLinearBound"/>.
/// </summary>
public sealed class OrToolsLpSolver(string solverId = "GLOP", string? parameters = null) : ILinearProgramSolver
{
    public ILinearProgramSession Load(LinearProgram program) => new Session(solverId, parameters, program);

    private sealed class Session : ILinearProgramSession
    {
        private readonly Solver _solver;
        private readonly Variable[] _variables;
        private readonly Constraint[] _rows;

        public Session(string solverId, string? parameters, LinearProgram program)
        {
            _solver = Solver.CreateSolver(solverId) ?? throw new InvalidOperationException($"OR-Tools has no solver {solverId} here");
            _solver.SuppressOutput();
            if (parameters is not null && !_solver.SetSolverSpecificParametersAsString(parameters))
                throw new ArgumentException($"{solverId} rejected the parameters '{parameters}'");
            _variables = new Variable[program.VariableCount];
            for (int j = 0; j < _variables.Length; j++) _variables[j] = _solver.MakeNumVar(program.VariableLower[j], program.VariableUpper[j], "");
            _rows = new Constraint[program.RowCount];
            for (int i = 0; i < _rows.Length; i++)
            {
                var row = _rows[i] = _solver.MakeConstraint(program.RowLower[i], program.RowUpper[i], "");
                for (int e = program.RowStart[i]; e < program.RowStart[i + 1]; e++) row.SetCoefficient(_variables[program.Columns[e]], program.Coefficients[e]);
            }
        }

        public LinearProgramSolution Minimize(IReadOnlyList<(int Column, double Coefficient)> objective, TimeSpan limit, CancellationToken cancellation)
        {
            var goal = _solver.Objective();
            goal.Clear();
            foreach (var (column, coefficient) in objective) goal.SetCoefficient(_variables[column], coefficient);
            goal.SetMinimization();
            _solver.SetTimeLimit((long)Math.Clamp(limit.TotalMilliseconds, 1, int.MaxValue));
            if (cancellation.IsCancellationRequested) return NotSolved;
            Solver.ResultStatus status;
            using (cancellation.Register(() => _solver.InterruptSolve())) status = _solver.Solve();
            return status switch
            {
                Solver.ResultStatus.OPTIMAL => new LinearProgramSolution(LinearProgramStatus.Optimal, goal.Value(), _rows.Select(r => r.DualValue()).ToArray()),
                Solver.ResultStatus.INFEASIBLE => new LinearProgramSolution(LinearProgramStatus.Infeasible, double.NaN, []),
                _ => NotSolved,
            };
        }

        private static readonly LinearProgramSolution NotSolved = new(LinearProgramStatus.NotSolved, double.NaN, []);

        public void Dispose() => _solver.Dispose();
    }
}
