using Verifier.Core.IO;
using Google.Protobuf;
using Verifier.Core.Errors;
using Verifier.Formats.Onnx.Proto;

namespace Verifier.Formats.Onnx;

/// <summary>Reads and writes the ONNX protobuf container, with the limits an untrusted file needs.</summary>
internal static class OnnxFile
{
    /// <summary>Deepest message nesting accepted; real models nest a handful of levels.</summary>
    private const int RecursionLimit = 64;

    public static ModelProto Read(string path, ModelLoadOptions options)
    {
        var info = InputFile.Info(path);
        if (!info.Exists) throw new InputException(path, "file not found");
        if (info.Length > options.MaxFileBytes)
            throw new InputException(path, $"file has {info.Length} bytes, more than the limit of {options.MaxFileBytes}");
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            var sizeLimit = (int)Math.Min(int.MaxValue, Math.Max(info.Length, 1));
            model = ModelProto.Parser.ParseFrom(CodedInputStream.CreateWithLimits(stream, sizeLimit, RecursionLimit));
        }
        catch (InvalidProtocolBufferException e) { throw new InputException(path, $"not a valid ONNX protobuf ({e.Message})", e); }
        catch (IOException e) { throw new InputException(path, $"cannot be read ({e.Message})", e); }
        catch (UnauthorizedAccessException e) { throw new InputException(path, $"cannot be read ({e.Message})", e); }
        // Arbitrary bytes can happen to parse as a protobuf with only unknown fields; a model has a graph.
        if (model.Graph is null || model.IrVersion <= 0)
            throw new InputException(path, "not a valid ONNX protobuf (no ir_version or graph)");
        return model;
    }

    /// <summary>Writes under a temporary name and renames, so readers never see a half-written model.</summary>
    public static void WriteAtomically(ModelProto model, string path) => AtomicFile.Write(path, model.WriteTo);
}
