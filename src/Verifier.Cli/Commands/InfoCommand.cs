using System.CommandLine;
using Verifier.Formats;

namespace Verifier.Cli.Commands;

/// <summary>`verify info MODEL`: layers, shapes and parameter count.</summary>
public static class InfoCommand
{
    public static Command Create()
    {
        var model = CommonOptions.Model();
        var json = CommonOptions.Json();
        var limits = ModelLimitOptions.Create();
        var command = new Command("info", "Show a model's layers, shapes and parameter count.") { model, json };
        limits.AddTo(command);
        command.SetAction(parse =>
        {
            var graph = ModelLoader.Load(parse.GetValue(model)!, limits.Read(parse));
            var layers = graph.Nodes.Select(n => new LayerInfo(n.Name, n.Operator.OpType,
                n.Inputs.Where(i => graph.Shapes.ContainsKey(i) && !graph.Constants.ContainsKey(i)).Select(i => graph.Shapes[i].ToString()).ToArray(),
                n.Outputs.Select(o => graph.Shapes[o].ToString()).ToArray())).ToArray();
            var info = new ModelInfo(graph.Source, graph.Format,
                graph.InputNames.Select(i => new TensorInfo(i, graph.Shapes[i].ToString())).ToArray(),
                graph.OutputNames.Select(o => new TensorInfo(o, graph.Shapes[o].ToString())).ToArray(),
                graph.ParameterCount, layers);
            if (parse.GetValue(json)) { Output.Json(info); return 0; }
            Console.WriteLine($"model      {info.Path} ({info.Format})");
            foreach (var i in info.Inputs) Console.WriteLine($"input      {i.Name} {i.Shape}");
            foreach (var o in info.Outputs) Console.WriteLine($"output     {o.Name} {o.Shape}");
            Console.WriteLine($"parameters {info.Parameters:N0}");
            Console.WriteLine($"layers     {layers.Length}");
            foreach (var l in layers)
                Console.WriteLine($"  {l.Op,-20} {l.Name,-28} {string.Join(" ", l.InputShapes)} -> {string.Join(" ", l.OutputShapes)}");
            return 0;
        });
        return command;
    }

    private sealed record TensorInfo(string Name, string Shape);
    private sealed record LayerInfo(string Name, string Op, string[] InputShapes, string[] OutputShapes);
    private sealed record ModelInfo(string Path, string Format, TensorInfo[] Inputs, TensorInfo[] Outputs, long Parameters, LayerInfo[] Layers);
}
