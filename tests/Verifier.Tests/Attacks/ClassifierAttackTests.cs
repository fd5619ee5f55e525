using Verifier.Compute.Attacks;
using Verifier.Core.Evaluation;
using Verifier.Core.Graph;
using Verifier.Core.Operators;
using Verifier.Core.Results;
using Verifier.Core.Specifications;
using Verifier.Core.Tensors;

namespace Verifier.Tests.Attacks;

public class ClassifierAttackTests
{
    /// <summary>
    /// y0 = relu(x0 - x1), y1 = relu(x1 - x0): the image (0.6, 0.4) is class 0, and it flips to class 1 exactly when
    /// x1 &gt; x0, which an L-infinity perturbation can reach iff eps &gt; 0.1 and an L2 one iff eps &gt; 0.1 * sqrt(2).
    /// </summary>
    private static NetworkGraph Difference()
    {
        var net = new TestNetworks(new Shape(1, 2), 0);
        net.Then(new Gemm(ConstantTensor.FromFloats(new Shape(2, 2), [1, -1, -1, 1]), null, 1f, 1f, false)).Then(new Relu());
        return net.Build();
    }

    private static readonly float[] Image = [0.6f, 0.4f];

    /// <summary>The robustness query as a property: in the eps-box (within [0, 1]), is y0 - y1 &lt;= 0 reachable?</summary>
    private static SafetyProperty Flip(double eps)
    {
        var lower = Image.Select(v => Literal.Of(Math.Max(0, v - eps))).ToArray();
        var upper = Image.Select(v => Literal.Of(Math.Min(1, v + eps))).ToArray();
        var row = new OutputConstraint(new Dictionary<int, Literal> { [0] = Literal.Of(1), [1] = Literal.Of(-1) }, Literal.Of(0));
        return new SafetyProperty("flip", 2, 2, [new PropertyCase(new InputBox(lower, upper), [new OutputClause([row])])]);
    }

    [Theory]
    [InlineData("fgsm")]
    [InlineData("pgd")]
    [InlineData("pgd-margin")]
    public void FindsTheKnownCounterexampleAndItValidates(string method)
    {
        var options = new AttackOptions(0.15) { Steps = 10, Loss = method == "pgd-margin" ? AttackLoss.Margin : AttackLoss.CrossEntropy };
        var result = method == "fgsm" ? Fgsm.Run(Difference(), Image, [0], options) : Pgd.Run(Difference(), Image, [0], options);
        Assert.Equal(1, result.Succeeded);
        var example = result.Adversarial[0]!;
        Assert.True(example[1] > example[0]);
        var witness = WitnessCheck.Validate(Difference(), Flip(0.15), example.Select(v => (double)v).ToArray(), out var reason);
        Assert.True(witness is not null, reason);
        Assert.Equal(0, result.RobustAccuracy);
    }

    [Fact]
    public void L2FindsTheCounterexampleOnlyBeyondItsRadius()
    {
        var beyond = Pgd.Run(Difference(), Image, [0], new AttackOptions(0.16) { Norm = Norm.L2, Steps = 20, Restarts = 2 });
        var example = beyond.Adversarial[0]!;
        Assert.True(Math.Sqrt(example.Select((v, i) => Math.Pow(v - Image[i], 2)).Sum()) <= 0.16);
        Assert.True(example[1] > example[0]);

        var within = Pgd.Run(Difference(), Image, [0], new AttackOptions(0.14) { Norm = Norm.L2, Steps = 20, Restarts = 3 });
        Assert.Equal(0, within.Succeeded);
        Assert.Equal(1, within.RobustAccuracy);
    }

    [Fact]
    public void NothingIsReportedWhereNoCounterexampleExists()
    {
        var result = Pgd.Run(Difference(), Image, [0], new AttackOptions(0.09) { Steps = 30, Restarts = 5, Loss = AttackLoss.Margin });
        Assert.Equal(0, result.Succeeded);
        Assert.Equal(1, result.CleanCorrect);
    }

    private static (float[] Images, int[] Labels) LabelledByModel(NetworkGraph graph, int count, int seed)
    {
        var random = new Random(seed);
        int d = graph.InputShape.ElementCount, c = graph.OutputShape.ElementCount;
        var images = Enumerable.Range(0, count * d).Select(_ => (float)random.NextDouble()).ToArray();
        var logits = Evaluator.EvaluateBatch(graph, images, count);
        var labels = Enumerable.Range(0, count).Select(i => Targets.Predicted(logits.AsSpan(i * c, c))).ToArray();
        return (images, labels);
    }

    [Fact]
    public void BatchedPgdIsDeterministicForASeedAndEveryExampleHoldsUp()
    {
        var graph = TestNetworks.Mlp(11, 12, 16, 16, 4);
        var (images, labels) = LabelledByModel(graph, 64, 3);
        var options = new AttackOptions(0.1) { Steps = 15, Restarts = 2, Seed = 9, Schedule = StepSchedule.Cosine };
        var first = Pgd.Run(graph, images, labels, options);
        var second = Pgd.Run(graph, images, labels, options);
        Assert.Equal(64, first.CleanCorrect);
        Assert.InRange(first.Succeeded, 1, 63);
        for (int i = 0; i < labels.Length; i++)
        {
            Assert.Equal(first.Adversarial[i], second.Adversarial[i]);
            if (first.Adversarial[i] is not { } x) continue;
            var y = Evaluator.EvaluateFlat<float>(graph, x);
            Assert.NotEqual(labels[i], Targets.Predicted(y));
            for (int k = 0; k < 12; k++) Assert.InRange(Math.Abs((double)x[k] - images[i * 12 + k]), 0, 0.1);
        }
        // A stronger attack breaks at least as many images here.
        var stronger = Pgd.Run(graph, images, labels, options with { Steps = 40, Restarts = 4 });
        Assert.True(stronger.Succeeded >= first.Succeeded);
    }

    [Fact]
    public void TargetedPgdReachesTheTargetClass()
    {
        var graph = TestNetworks.Mlp(5, 8, 16, 3);
        var (images, labels) = LabelledByModel(graph, 32, 4);
        var result = Pgd.Run(graph, images, labels, new AttackOptions(0.5) { TargetClass = 2, Steps = 30, Loss = AttackLoss.Margin });
        Assert.Equal(labels.Count(l => l != 2), result.Attacked);
        Assert.True(result.Succeeded > 0);
        foreach (var x in result.Adversarial.OfType<float[]>())
            Assert.Equal(2, Targets.Predicted(Evaluator.EvaluateFlat<float>(graph, x)));
        Assert.Throws<ArgumentException>(() => Pgd.Run(graph, images, labels, new AttackOptions(0.1) { TargetClass = 3 }));
    }

    [Fact]
    public void JsmaChangesFewFeaturesAndReachesItsGoal()
    {
        var graph = TestNetworks.Mlp(2, 20, 16, 3);
        var (images, labels) = LabelledByModel(graph, 24, 6);
        var options = new JsmaOptions { Theta = 1, MaxDistortion = 0.5 };
        var result = Jsma.Run(graph, images, labels, options);
        Assert.True(result.Succeeded > 0);
        Assert.Equal(result.Succeeded, Jsma.Run(graph, images, labels, options).Succeeded);
        for (int i = 0; i < labels.Length; i++)
        {
            if (result.Adversarial[i] is not { } x) continue;
            int changed = x.Where((v, k) => v != images[i * 20 + k]).Count();
            Assert.InRange(changed, 1, 10);
            Assert.All(x, v => Assert.InRange(v, 0f, 1f));
            Assert.NotEqual(labels[i], Targets.Predicted(Evaluator.EvaluateFlat<float>(graph, x)));
        }
    }
}
