namespace Verifier.Core.Specifications.VnnLib;

internal enum TokenKind { Open, Close, Atom, End }

internal readonly record struct Token(TokenKind Kind, string Text, SourcePosition Position);

/// <summary>
/// Splits SMT-LIB text into parentheses and atoms, skipping whitespace and ';' comments. Streams one token at
/// a time so a large file never exists as a token list. Repeated symbols (X_0, assert, &lt;=) share one string.
/// </summary>
internal sealed class VnnLibTokenizer(string text, string source)
{
    private readonly HashSet<string> _symbols = new(StringComparer.Ordinal);
    private int _pos;
    private int _line = 1;
    private int _lineStart;

    private SourcePosition Here => new(_line, _pos - _lineStart + 1);

    public Token Next()
    {
        SkipSpaceAndComments();
        var at = Here;
        if (_pos >= text.Length) return new Token(TokenKind.End, "", at);
        char c = text[_pos];
        if (c == '(') { _pos++; return new Token(TokenKind.Open, "(", at); }
        if (c == ')') { _pos++; return new Token(TokenKind.Close, ")", at); }
        if (c is '"' or '|') throw at.Error(source, $"quoted symbols and strings ({c}...) are not supported");
        int start = _pos;
        while (_pos < text.Length && !IsDelimiter(text[_pos])) _pos++;
        return new Token(TokenKind.Atom, Share(text.AsSpan(start, _pos - start)), at);
    }

    private static bool IsDelimiter(char c) => char.IsWhiteSpace(c) || c is '(' or ')' or ';' or '"' or '|';

    private void SkipSpaceAndComments()
    {
        while (_pos < text.Length)
        {
            char c = text[_pos];
            if (c == ';')
            {
                while (_pos < text.Length && text[_pos] != '\n') _pos++;
            }
            else if (char.IsWhiteSpace(c))
            {
                _pos++;
                if (c == '\n') { _line++; _lineStart = _pos; }
            }
            else return;
        }
    }

    private string Share(ReadOnlySpan<char> span)
    {
        // Numbers are mostly unique; sharing them would only grow the table.
        if (span.Length > 0 && (char.IsAsciiDigit(span[0]) || span[0] is '-' or '+' or '.')) return span.ToString();
        var lookup = _symbols.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(span, out var existing)) return existing;
        var s = span.ToString();
        _symbols.Add(s);
        return s;
    }
}
