using Verifier.Core.Graph;

namespace Verifier.Formats.Onnx;

public static class OnnxImporter
{
    public static NetworkGraph Load(string path, ModelLoadOptions options) => throw new NotImplementedException("OnnxImporter is being written");
}
