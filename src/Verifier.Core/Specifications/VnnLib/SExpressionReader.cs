namespace Verifier.Core.Specifications.VnnLib;

internal abstract record SExpr(SourcePosition Position);

internal sealed record SAtom(string Text, SourcePosition Position) : SExpr(Position);

internal sealed record SList(IReadOnlyList<SExpr> Items, SourcePosition Position) : SExpr(Position)
{
    /// <summary>The leading symbol of the list, or null when it is empty or starts with a list.</summary>
    public string? Head => Items.Count > 0 && Items[0] is SAtom a ? a.Text : null;
}

/// <summary>
/// Reads one top-level s-expression at a time, iteratively (no recursion), refusing nesting deeper than
/// <paramref name="maxDepth"/> so hostile files cannot exhaust the stack of later recursive passes.
/// </summary>
internal sealed class SExpressionReader(VnnLibTokenizer tokens, string source, int maxDepth)
{
    /// <summary>The next top-level expression, or null at the end of the text.</summary>
    public SExpr? ReadNext()
    {
        var first = tokens.Next();
        switch (first.Kind)
        {
            case TokenKind.End: return null;
            case TokenKind.Atom: return new SAtom(first.Text, first.Position);
            case TokenKind.Close: throw first.Position.Error(source, "unexpected ')' with no matching '('");
        }
        var open = new Stack<(List<SExpr> Items, SourcePosition At)>();
        open.Push((new List<SExpr>(), first.Position));
        while (true)
        {
            var t = tokens.Next();
            switch (t.Kind)
            {
                case TokenKind.End:
                    throw open.Last().At.Error(source, "'(' is never closed (unexpected end of file)");
                case TokenKind.Atom:
                    open.Peek().Items.Add(new SAtom(t.Text, t.Position));
                    break;
                case TokenKind.Open:
                    if (open.Count >= maxDepth) throw t.Position.Error(source, $"parentheses nested deeper than {maxDepth} levels");
                    open.Push((new List<SExpr>(), t.Position));
                    break;
                case TokenKind.Close:
                    var (items, at) = open.Pop();
                    var list = new SList(items, at);
                    if (open.Count == 0) return list;
                    open.Peek().Items.Add(list);
                    break;
            }
        }
    }
}
