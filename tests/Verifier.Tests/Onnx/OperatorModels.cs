using static Verifier.Formats.Onnx.OnnxProtos;

namespace Verifier.Tests.Onnx;

/// <summary>
/// One small model for every operator and attribute variant the registry supports: input "x", output "y".
/// </summary>
internal static class OperatorModels
{
    public static readonly IReadOnlyDictionary<string, Func<OnnxModelBuilder>> All = new Dictionary<string, Func<OnnxModelBuilder>>
    {
        ["gemm_transB"] = () => One([2, 4], (b, x) => b.Node("Gemm", [x, b.Weights("W", [3, 4]), b.Weights("C", [3])], ["y"], Attribute("transB", 1))),
        ["gemm_plain_no_bias"] = () => One([2, 4], (b, x) => b.Node("Gemm", [x, b.Weights("B", [4, 3])], ["y"])),
        ["gemm_alpha_beta"] = () => One([2, 4], (b, x) => b.Node("Gemm", [x, b.Weights("B", [4, 3]), b.Weights("C", [1, 3])], ["y"],
            Attribute("alpha", 0.5f), Attribute("beta", 2f))),
        ["gemm_transA_scalar_bias"] = () => One([4, 2], (b, x) => b.Node("Gemm", [x, b.Weights("B", [4, 3]), b.Weights("C", [])], ["y"],
            Attribute("transA", 1))),
        ["gemm_bias_matrix_transAB"] = () => One([4, 2], (b, x) => b.Node("Gemm", [x, b.Weights("B", [3, 4]), b.Weights("C", [2, 3])], ["y"],
            Attribute("transA", 1), Attribute("transB", 1), Attribute("beta", -1.5f))),
        ["gemm_bias_column"] = () => One([2, 4], (b, x) => b.Node("Gemm", [x, b.Weights("B", [4, 3]), b.Weights("C", [2, 1])], ["y"])),
        ["matmul_vector_input"] = () => One([4], (b, x) => b.Node("MatMul", [x, b.Weights("B", [4, 3])], ["y"])),
        ["matmul_2d"] = () => One([2, 3, 4], (b, x) => b.Node("MatMul", [x, b.Weights("B", [4, 5])], ["y"])),
        ["matmul_1d"] = () => One([3, 4], (b, x) => b.Node("MatMul", [x, b.Weights("B", [4])], ["y"])),
        ["add_trailing_bias"] = () => One([1, 3, 4], (b, x) => b.Node("Add", [x, b.Weights("c", [4])], ["y"])),
        ["sub_constant_first"] = () => One([1, 3, 4], (b, x) => b.Node("Sub", [b.Weights("c", [3, 1]), x], ["y"])),
        ["mul_scalar"] = () => One([1, 3, 4], (b, x) => b.Node("Mul", [x, b.Weights("c", [])], ["y"])),
        ["div_middle_axis"] = () => One([1, 3, 4], (b, x) => b.Node("Div", [x, b.Weights("c", [1, 3, 1], 0.5f, 2f)], ["y"])),
        ["div_constant_first"] = () => One([2, 3], (b, x) => b.Node("Sigmoid", [x], ["s"]).Node("Div", [b.Weights("c", [2, 1]), "s"], ["y"])),
        ["add_mul_two_data_inputs"] = () => One([1, 5], (b, x) => b.Node("Relu", [x], ["r"]).Node("Tanh", [x], ["t"])
            .Node("Add", [x, "r"], ["a"]).Node("Mul", ["a", "t"], ["y"])),
        ["leaky_relu_alpha"] = () => One([2, 6], (b, x) => b.Node("LeakyRelu", [x], ["y"], Attribute("alpha", 0.2f))),
        ["leaky_relu_default"] = () => One([2, 6], (b, x) => b.Node("LeakyRelu", [x], ["y"])),
        ["clip_min_max"] = () => One([2, 6], (b, x) => b.Node("Clip", [x, b.Weights("lo", [], -0.5f, -0.4f), b.Weights("hi", [], 0.3f, 0.4f)], ["y"])),
        ["clip_max_only"] = () => One([2, 6], (b, x) => b.Node("Clip", [x, "", b.Weights("hi", [], 0.1f, 0.2f)], ["y"])),
        ["clip_opset10_attributes"] = () => One([2, 6], (b, x) => b.Node("Clip", [x], ["y"], Attribute("min", -0.2f), Attribute("max", 0.5f)), opset: 10),
        ["sigmoid"] = () => One([2, 6], (b, x) => b.Node("Mul", [x, b.Weights("k", [], 4, 8)], ["m"]).Node("Sigmoid", ["m"], ["y"])),
        ["tanh"] = () => One([2, 6], (b, x) => b.Node("Mul", [x, b.Weights("k", [], 2, 4)], ["m"]).Node("Tanh", ["m"], ["y"])),
        ["softmax_opset11_axis1"] = () => One([1, 3, 4], (b, x) => b.Node("Softmax", [x], ["y"], Attribute("axis", 1)), opset: 11),
        ["softmax_opset11_default"] = () => One([2, 3, 4], (b, x) => b.Node("Softmax", [x], ["y"]), opset: 11),
        ["softmax_opset13_axis1"] = () => One([2, 3, 4], (b, x) => b.Node("Softmax", [x], ["y"], Attribute("axis", 1))),
        ["softmax_opset13_default"] = () => One([2, 3, 4], (b, x) => b.Node("Softmax", [x], ["y"])),
        ["softmax_opset11_negative_axis"] = () => One([2, 3, 4], (b, x) => b.Node("Softmax", [x], ["y"], Attribute("axis", -2)), opset: 11),
        ["softmax_opset13_batch_axis"] = () => One([2, 3, 4], (b, x) => b.Node("Softmax", [x], ["y"], Attribute("axis", 0))),
        ["flatten_axis0"] = () => One([1, 2, 3, 4], (b, x) => b.Node("Flatten", [x], ["y"], Attribute("axis", 0))),
        ["flatten_axis2"] = () => One([1, 2, 3, 4], (b, x) => b.Node("Flatten", [x], ["y"], Attribute("axis", 2))),
        ["flatten_negative_axis"] = () => One([1, 2, 3, 4], (b, x) => b.Node("Flatten", [x], ["y"], Attribute("axis", -1))),
        ["reshape_zero_minus1"] = () => One([1, 2, 3, 4], (b, x) => b.Node("Reshape", [x, b.Ints("s", 0, -1)], ["y"])),
        ["reshape_explicit"] = () => One([1, 2, 3, 4], (b, x) => b.Node("Reshape", [x, b.Ints("s", 1, 4, -1, 2)], ["y"])),
        ["squeeze_opset11_attribute"] = () => One([1, 1, 3], (b, x) => b.Node("Squeeze", [x], ["y"], Attribute("axes", new long[] { 1 })), opset: 11),
        ["squeeze_opset13_input"] = () => One([1, 3, 1], (b, x) => b.Node("Squeeze", [x, b.Ints("a", -1)], ["y"])),
        ["squeeze_all"] = () => One([1, 3, 1, 4], (b, x) => b.Node("Squeeze", [x], ["y"])),
        ["unsqueeze_opset11_attribute"] = () => One([1, 3, 4], (b, x) => b.Node("Unsqueeze", [x], ["y"], Attribute("axes", new long[] { 0, 3 })), opset: 11),
        ["unsqueeze_opset13_input"] = () => One([1, 3, 4], (b, x) => b.Node("Unsqueeze", [x, b.Ints("a", -1, 1)], ["y"])),
        ["transpose_perm"] = () => One([1, 2, 3, 4], (b, x) => b.Node("Transpose", [x], ["y"], Attribute("perm", new long[] { 0, 2, 3, 1 }))),
        ["transpose_default"] = () => One([1, 2, 3], (b, x) => b.Node("Transpose", [x], ["y"])),
        ["identity"] = () => One([2, 3], (b, x) => b.Node("Identity", [x], ["y"])),
        ["dropout_opset13"] = () => One([2, 3], (b, x) => b.Node("Dropout", [x], ["y"])),
        ["dropout_opset10_ratio"] = () => One([2, 3], (b, x) => b.Node("Dropout", [x], ["y"], Attribute("ratio", 0.3f)), opset: 10),
        ["constant_tensor"] = () => One([1, 4], (b, x) => b.Node("Constant", [], ["c"],
            Attribute("value", OnnxModelBuilder.Floats("v", [4], b.RandomValues([4])))).Node("Add", [x, "c"], ["y"])),
        ["constant_value_float"] = () => One([1, 4], (b, x) => b.Node("Constant", [], ["c"], Attribute("value_float", 1.75f)).Node("Mul", [x, "c"], ["y"])),
        ["constant_value_floats"] = () => One([1, 3], (b, x) => b.Node("Constant", [], ["c"], Attribute("value_floats", new[] { 0.5f, -2f, 3f })).Node("Sub", [x, "c"], ["y"])),
        ["constant_value_ints_shape"] = () => One([1, 2, 3], (b, x) => b.Node("Constant", [], ["s"], Attribute("value_ints", new long[] { 1, 6 })).Node("Reshape", [x, "s"], ["y"])),
        ["batchnorm"] = () => One([1, 3, 4, 4], (b, x) => BatchNorm(b, x, "y").LastNode.Attribute.Add(Attribute("epsilon", 1e-3f))),
        ["batchnorm_opset7_2d"] = () => One([2, 3], (b, x) => BatchNorm(b, x, "y"), opset: 7),
        ["conv_plain"] = () => Conv([1, 2, 6, 6], [3, 2, 3, 3], bias: true),
        ["conv_no_bias"] = () => Conv([1, 2, 5, 5], [4, 2, 2, 2], bias: false),
        ["conv_stride_pads_dilations"] = () => Conv([1, 2, 9, 8], [3, 2, 3, 3], bias: true,
            Attribute("strides", new long[] { 2, 1 }), Attribute("pads", new long[] { 1, 0, 2, 1 }), Attribute("dilations", new long[] { 2, 1 })),
        ["conv_same_upper"] = () => Conv([1, 2, 7, 7], [3, 2, 3, 2], bias: true, Attribute("strides", new long[] { 2, 2 }), Attribute("auto_pad", "SAME_UPPER")),
        ["conv_same_lower"] = () => Conv([1, 2, 7, 6], [3, 2, 2, 3], bias: true, Attribute("strides", new long[] { 2, 3 }), Attribute("auto_pad", "SAME_LOWER")),
        ["conv_valid"] = () => Conv([1, 2, 6, 6], [3, 2, 3, 3], bias: true, Attribute("auto_pad", "VALID"), Attribute("kernel_shape", new long[] { 3, 3 })),
        ["conv_stride_beyond_kernel"] = () => Conv([1, 1, 9, 9], [2, 1, 2, 2], bias: true, Attribute("strides", new long[] { 3, 4 })),
        ["maxpool_pads"] = () => Pool("MaxPool", Attribute("kernel_shape", new long[] { 3, 3 }), Attribute("strides", new long[] { 2, 2 }), Attribute("pads", new long[] { 1, 1, 1, 1 })),
        ["maxpool_dilations"] = () => Pool("MaxPool", Attribute("kernel_shape", new long[] { 2, 2 }), Attribute("dilations", new long[] { 2, 2 })),
        ["maxpool_same_upper"] = () => Pool("MaxPool", Attribute("kernel_shape", new long[] { 3, 2 }), Attribute("strides", new long[] { 2, 2 }), Attribute("auto_pad", "SAME_UPPER")),
        ["averagepool_pads_exclude"] = () => Pool("AveragePool", Attribute("kernel_shape", new long[] { 3, 3 }), Attribute("strides", new long[] { 2, 2 }),
            Attribute("pads", new long[] { 1, 1, 1, 1 })),
        ["averagepool_pads_include"] = () => Pool("AveragePool", Attribute("kernel_shape", new long[] { 3, 3 }), Attribute("strides", new long[] { 2, 2 }),
            Attribute("pads", new long[] { 1, 0, 2, 1 }), Attribute("count_include_pad", 1)),
        ["averagepool_same_lower"] = () => Pool("AveragePool", Attribute("kernel_shape", new long[] { 3, 3 }), Attribute("strides", new long[] { 2, 2 }), Attribute("auto_pad", "SAME_LOWER")),
        ["averagepool_same_upper_include_pad"] = () => Pool("AveragePool", Attribute("kernel_shape", new long[] { 2, 3 }), Attribute("strides", new long[] { 1, 2 }),
            Attribute("auto_pad", "SAME_UPPER"), Attribute("count_include_pad", 1)),
        ["pad_opset10_attributes"] = () => One([1, 2, 4, 5], (b, x) => b.Node("Pad", [x], ["y"],
            Attribute("pads", new long[] { 0, 0, 1, 2, 0, 1, 2, 1 }), Attribute("value", 0.75f)), opset: 10),
        ["pad_opset13_constant_value"] = () => One([1, 2, 4, 5], (b, x) => b.Node("Pad", [x, b.Ints("p", 0, 1, 0, 3, 0, 0, 2, 1), b.Weights("v", [], 0.5f, 1f)], ["y"])),
        ["pad_opset13_default_value_crop"] = () => One([1, 2, 4, 5], (b, x) => b.Node("Pad", [x, b.Ints("p", 0, 0, -1, 2, 0, 0, 2, -2)], ["y"])),
        ["pad_reflect"] = () => One([1, 2, 4, 5], (b, x) => b.Node("Pad", [x, b.Ints("p", 0, 0, 3, 1, 0, 0, 2, 4)], ["y"], Attribute("mode", "reflect"))),
        ["pad_edge"] = () => One([1, 2, 4, 5], (b, x) => b.Node("Pad", [x, b.Ints("p", 0, 1, 2, 0, 0, 0, 1, 3)], ["y"], Attribute("mode", "edge"))),
        ["pad_opset18_axes_no_value"] = () => One([1, 2, 4, 5], (b, x) => b.Node("Pad", [x, b.Ints("p", 2, -1, 1, 1), "", b.Ints("a", -1, 1)], ["y"]), opset: 18),
        ["cnn"] = () => One([1, 1, 8, 8], (b, x) => b
            .Node("Conv", [x, b.Weights("W1", [4, 1, 3, 3]), b.Weights("B1", [4])], ["c"], Attribute("pads", new long[] { 1, 1, 1, 1 }))
            .Then(() => BatchNorm(b, "c", "n", channels: 4))
            .Node("Relu", ["n"], ["r"])
            .Node("MaxPool", ["r"], ["p"], Attribute("kernel_shape", new long[] { 2, 2 }), Attribute("strides", new long[] { 2, 2 }))
            .Node("Flatten", ["p"], ["f"])
            .Node("Gemm", ["f", b.Weights("W2", [10, 64]), b.Weights("B2", [10])], ["g"], Attribute("transB", 1))
            .Node("Softmax", ["g"], ["y"])),
    };

    private static OnnxModelBuilder One(long[] inputDims, Action<OnnxModelBuilder, string> body, int opset = 13)
    {
        var builder = new OnnxModelBuilder(opset).Input("x", inputDims);
        body(builder, "x");
        return builder.Output("y");
    }

    private static OnnxModelBuilder Then(this OnnxModelBuilder builder, Action step)
    {
        step();
        return builder;
    }

    private static OnnxModelBuilder BatchNorm(OnnxModelBuilder b, string x, string y, long channels = 3) =>
        b.Node("BatchNormalization", [x, b.Weights(y + "_scale", [channels], 0.5f, 2f), b.Weights(y + "_bias", [channels]),
            b.Weights(y + "_mean", [channels]), b.Weights(y + "_var", [channels], 0.2f, 2f)], [y]);

    private static OnnxModelBuilder Conv(long[] input, long[] kernel, bool bias, params Verifier.Formats.Onnx.Proto.AttributeProto[] attributes) =>
        One(input, (b, x) => b.Node("Conv", [x, b.Weights("W", kernel), .. bias ? new[] { b.Weights("B", [kernel[0]]) } : []], ["y"], attributes));

    private static OnnxModelBuilder Pool(string opType, params Verifier.Formats.Onnx.Proto.AttributeProto[] attributes) =>
        One([1, 2, 7, 6], (b, x) => b.Node(opType, [x], ["y"], attributes));
}
