using Verifier.Core.IO;
using System.Buffers.Binary;
using System.CommandLine;
using System.IO.Compression;
using System.IO.Hashing;
using System.Text.Json;
using Verifier.Cli.Commands;
using Verifier.Dlv.Reporting;
using Verifier.Tests.Support;

namespace Verifier.Tests.Dlv;

/// <summary>T20: the PNG encoder round-trips, and `verify dlv` writes the example and run files.</summary>
public class DlvReportingTests
{
    [Fact]
    public void PngRoundTripsThroughZlibWithValidCrcs()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dlv-png-{Guid.NewGuid():N}.png");
        var pixels = Enumerable.Range(0, 5 * 3 * 3).Select(i => (byte)(i * 5)).ToArray();
        try
        {
            PngWriter.Write(path, 5, 3, 3, pixels);
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            var chunks = new Dictionary<string, byte[]>();
            for (int at = 8; at < bytes.Length;)
            {
                int length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
                var typeAndData = bytes.AsSpan(at + 4, 4 + length);
                Assert.Equal(BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(at + 8 + length)), Crc32.HashToUInt32(typeAndData));
                chunks[System.Text.Encoding.ASCII.GetString(typeAndData[..4])] = typeAndData[4..].ToArray();
                at += 12 + length;
            }
            Assert.Equal(5, BinaryPrimitives.ReadInt32BigEndian(chunks["IHDR"]));
            Assert.Equal(3, BinaryPrimitives.ReadInt32BigEndian(chunks["IHDR"].AsSpan(4)));
            Assert.Equal(2, chunks["IHDR"][9]); // truecolour
            using var inflated = new MemoryStream();
            using (var z = new ZLibStream(new MemoryStream(chunks["IDAT"]), CompressionMode.Decompress)) z.CopyTo(inflated);
            var rows = inflated.ToArray().Chunk(1 + 15).ToArray();
            Assert.All(rows, r => Assert.Equal(0, r[0]));
            Assert.Equal(pixels, rows.SelectMany(r => r[1..]));
            Assert.Contains("IEND", chunks.Keys);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void T20_CommandWritesPicturesExampleAndStatistics()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"dlv-cli-{Guid.NewGuid():N}");
        try
        {
            var root = new RootCommand { DlvCommand.Create() };
            var args = new[] { "dlv", SharedData.Benchmarks("dlv", "mnist_cnn.onnx"), "--images", SharedData.Path("data", "mnist", "t10k-images-idx3-ubyte.gz"),
                "--index", "2", "--count", "2", "--out", dir };
            int code = root.Parse(args).Invoke();
            Assert.Equal(1, code); // image 2 changes class in round 5 (T14)
            var names = Directory.GetFiles(dir).Select(Path.GetFileName).ToHashSet();
            Assert.Contains("2_original_as_1_with_confidence_0.999950.png", names);
            Assert.Single(names, n => n!.StartsWith("2_1_modified_into_3_with_confidence_0.376") && n.EndsWith(".png"));
            using var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "2_adversarial.json")));
            var distances = example.RootElement.GetProperty("record").GetProperty("distances");
            Assert.Equal(25, distances.GetProperty("l0").GetInt32());
            Assert.Equal(0.1702, distances.GetProperty("l2_normalised").GetDouble(), 1e-4);
            Assert.Contains("2_diff.png", names);
            Assert.Contains("dataCollection.txt", names);
            using var stats = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "statistics.json")));
            var summary = stats.RootElement.GetProperty("summary");
            Assert.Equal(2, summary.GetProperty("images").GetInt32());
            Assert.Equal(summary.GetProperty("successes").GetInt32() / 2.0, summary.GetProperty("success_rate").GetDouble());
            Assert.DoesNotContain(names, n => n!.EndsWith(".tmp"));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--index", "10000")]
    [InlineData("--layer", "9")]
    [InlineData("--feature-dims", "0")]
    [InlineData("--layer", "1", "--search", "exhaustive")]
    public void BadArgumentsAreInputErrors(params string[] options)
    {
        var root = new RootCommand { DlvCommand.Create() };
        string[] args = ["dlv", SharedData.Benchmarks("dlv", "mnist_cnn.onnx"), "--images", SharedData.Path("data", "mnist", "t10k-images-idx3-ubyte.gz"), .. options];
        var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
        Assert.Throws<Verifier.Core.Errors.InputException>(() => root.Parse(args).Invoke(config));
    }
}
