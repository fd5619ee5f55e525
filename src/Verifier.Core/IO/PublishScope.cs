namespace Verifier.Core.IO;

/// <summary>
/// The files one command run is writing through <see cref="AtomicFile"/>, so a deadline or Ctrl-C can revoke
/// them at once: <see cref="Close"/> deletes every temporary file still being written and refuses any later
/// rename, so no file appears after the command has answered. The scope flows with the execution context
/// (AsyncLocal), so worker threads and tasks started by the command inherit it and other code does not.
/// </summary>
public sealed class PublishScope
{
    private static readonly AsyncLocal<PublishScope?> Ambient = new();
    private readonly object _gate = new();
    private readonly HashSet<string> _inFlight = [];
    private bool _closed;

    /// <summary>The scope of the current command, or null outside one (then writes are never revoked).</summary>
    public static PublishScope? Current => Ambient.Value;

    /// <summary>Makes <paramref name="scope"/> current for this execution context and what it starts from here on.</summary>
    public static void Enter(PublishScope scope) => Ambient.Value = scope;

    public bool IsClosed { get { lock (_gate) return _closed; } }

    /// <summary>
    /// Creates and records a temporary file; refused once the scope is closed. Creating it under the lock means
    /// <see cref="Close"/> either sees it (and deletes it) or the creation is refused: none can slip through.
    /// </summary>
    internal FileStream Create(string temp)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            var stream = AtomicFile.CreateTemporary(temp);
            _inFlight.Add(temp);
            return stream;
        }
    }

    /// <summary>Renames the temporary file over the target unless the scope closed meanwhile.</summary>
    internal void Publish(string temp, string target)
    {
        lock (_gate)
        {
            ThrowIfClosed();
            File.Move(temp, target, overwrite: true);
            _inFlight.Remove(temp);
        }
    }

    internal void Forget(string temp)
    {
        lock (_gate) _inFlight.Remove(temp);
    }

    /// <summary>Deletes the temporary files in flight and refuses every later write; returns how many were deleted.</summary>
    public int Close()
    {
        lock (_gate)
        {
            _closed = true;
            int deleted = 0;
            foreach (var temp in _inFlight)
                if (AtomicFile.TryDelete(temp)) deleted++;
            _inFlight.Clear();
            return deleted;
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed) throw new OperationCanceledException("the command has already answered (deadline or interrupt); its output files are not published");
    }
}
