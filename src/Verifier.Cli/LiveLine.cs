namespace Verifier.Cli;

/// <summary>
/// One status line redrawn in place on a terminal (stdout), nothing when stdout is redirected. Every answer closes
/// it first (<see cref="CommandDeadline"/>), so a late redraw never lands on or after an answer.
/// </summary>
public static class LiveLine
{
    private const string ClearLine = "\r\u001b[K";
    private static readonly object Gate = new();
    private static bool _shown, _closed;

    public static bool Enabled => Output.IsTerminal;

    public static void Show(string text)
    {
        if (!Enabled) return;
        lock (Gate)
        {
            if (_closed) return;
            Console.Out.Write(ClearLine + Fit(text));
            Console.Out.Flush();
            _shown = true;
        }
    }

    /// <summary>Removes the line; later <see cref="Show"/> calls draw it again.</summary>
    public static void Clear()
    {
        lock (Gate)
        {
            if (!_shown) return;
            Console.Out.Write(ClearLine);
            Console.Out.Flush();
            _shown = false;
        }
    }

    /// <summary>Removes the line for good: the command is answering.</summary>
    public static void Close()
    {
        lock (Gate)
        {
            Clear();
            _closed = true;
        }
    }

    /// <summary>Cut to the terminal's width so the line never wraps (a wrapped line cannot be redrawn in place).</summary>
    private static string Fit(string text)
    {
        int width;
        try { width = Console.WindowWidth; }
        catch (IOException) { width = 80; }
        if (width <= 1) width = 80;
        return text.Length < width ? text : text[..(width - 1)];
    }
}
