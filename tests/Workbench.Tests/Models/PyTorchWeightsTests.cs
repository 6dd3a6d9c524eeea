using TorchSharp;
using Workbench.Models;
using Workbench.Models.Weights;
using static TorchSharp.torch;

namespace Workbench.Tests.Models;

/// <summary>The .pth reader against state_dicts written by real PyTorch (Debian's python3-torch 1.13).</summary>
public class PyTorchWeightsTests : IClassFixture<PyTorchWeightsTests.Fixtures>
{
    // VGG in torchvision's layout, written without torchvision (Debian's python3-torch does not ship it).
    const string Script = """
import sys, torch, torch.nn as nn
out = sys.argv[1]
torch.manual_seed(0)
def vgg11(bn, hidden=64, classes=10):
    cfg = [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M']
    layers, c = [], 3
    for v in cfg:
        if v == 'M': layers.append(nn.MaxPool2d(2, 2)); continue
        layers.append(nn.Conv2d(c, v, 3, padding=1))
        if bn: layers.append(nn.BatchNorm2d(v))
        layers.append(nn.ReLU(inplace=True)); c = v
    m = nn.Module()
    m.features = nn.Sequential(*layers)
    m.avgpool = nn.AdaptiveAvgPool2d((7, 7))
    m.classifier = nn.Sequential(nn.Linear(512 * 49, hidden), nn.ReLU(True), nn.Dropout(), nn.Linear(hidden, hidden), nn.ReLU(True), nn.Dropout(), nn.Linear(hidden, classes))
    return m
def forward(m, x):
    h = m.avgpool(m.features(x))
    return m.classifier(torch.flatten(h, 1))
for bn in (False, True):
    m = vgg11(bn)
    with torch.no_grad():
        for mod in m.modules():
            if isinstance(mod, nn.BatchNorm2d):
                mod.running_mean.uniform_(-0.1, 0.1); mod.running_var.uniform_(0.5, 1.5)
                mod.weight.uniform_(0.5, 1.5); mod.bias.uniform_(-0.1, 0.1)
    m.eval()
    x = torch.randn(2, 3, 40, 48)
    with torch.no_grad(): y = forward(m, x)
    name = 'vgg11_bn' if bn else 'vgg11'
    torch.save(m.state_dict(), f'{out}/{name}.pth')
    torch.save({'x': x, 'y': y}, f'{out}/{name}-io.pth')
base = torch.arange(24, dtype=torch.float64).reshape(4, 6)
torch.save({'f32': torch.linspace(-1, 1, 7), 'f16': torch.tensor([0.5, -2.0, 65504.0], dtype=torch.float16),
            'f64': base, 'i64': torch.tensor([-3, 0, 1 << 40]), 'transposed': base.t(), 'slice': base[1:3, 2:5],
            'scalar': torch.tensor(2.5), 'bool': torch.tensor([True, False])}, f'{out}/dtypes.pth')
torch.save({'w': torch.ones(2)}, f'{out}/legacy.pth', _use_new_zipfile_serialization=False)
""";

    /// <summary>Fixtures written once per test class into a temporary folder.</summary>
    public sealed class Fixtures : IDisposable
    {
        /// <summary>The folder, or null when python3-torch is absent.</summary>
        public string? Dir { get; }

        /// <summary>Writes the fixtures.</summary>
        public Fixtures()
        {
            if (!PyTorchPeer.Available) return;
            Dir = Path.Combine(Path.GetTempPath(), $"wb-pth-{Guid.NewGuid():N}");
            Directory.CreateDirectory(Dir);
            PyTorchPeer.Run(Script, Dir);
        }

        /// <summary>Deletes the folder.</summary>
        public void Dispose() { if (Dir is not null) Directory.Delete(Dir, true); }
    }

    readonly Fixtures _f;
    public PyTorchWeightsTests(Fixtures f) => _f = f;
    string F(string name) => Path.Combine(_f.Dir!, name);

    [PyTorchFact]
    public void DtypesOffsetsAndStridesReadAsPyTorchWroteThem()
    {
        var s = PyTorchWeights.Read(F("dtypes.pth"));
        Assert.Equal(["f32", "f16", "f64", "i64", "transposed", "slice", "scalar", "bool"], s.Keys);
        Assert.Equal(ScalarType.Float32, s["f32"].dtype);
        Assert.Equal(new[] { -1f, -2f / 3, -1f / 3, 0f, 1f / 3, 2f / 3, 1f }, s["f32"].data<float>().ToArray(), new FloatTolerance(1e-6f));
        Assert.Equal(ScalarType.Float16, s["f16"].dtype);
        Assert.Equal(new[] { 0.5, -2.0, 65504.0 }, s["f16"].to(ScalarType.Float64).data<double>().ToArray());
        Assert.Equal(new long[] { -3, 0, 1L << 40 }, s["i64"].data<long>().ToArray());
        var baseline = arange(24, dtype: ScalarType.Float64).reshape(4, 6);
        Assert.True(Same(s["f64"], baseline));
        Assert.True(Same(s["transposed"], baseline.t()));                 // stride (1, 6)
        Assert.True(Same(s["slice"], baseline[1..3, 2..5]));               // storage offset 8
        Assert.Equal(0, s["scalar"].dim());
        Assert.Equal(2.5f, s["scalar"].item<float>());
        Assert.Equal(new[] { true, false }, s["bool"].data<bool>().ToArray());
    }

    [PyTorchFact]
    public void Vgg11OutputsAgreeWithPyTorch() => AgreesWithPyTorch("vgg11", batchNorm: false);

    [PyTorchFact]
    public void Vgg11WithBatchNormOutputsAgreeWithPyTorch() => AgreesWithPyTorch("vgg11_bn", batchNorm: true);

    void AgreesWithPyTorch(string name, bool batchNorm)
    {
        using var vgg = Vgg.Create(VggDepth.Vgg11, batchNorm, classes: 10, hidden: 64, seed: 1, device: CPU);
        PyTorchWeights.Load(vgg, F(name + ".pth"));
        var io = PyTorchWeights.Read(F(name + "-io.pth"));
        using var _ = no_grad();
        var y = vgg.call(io["x"]);
        double err = (y - io["y"]).abs().max().item<float>();
        Assert.True(err < 1e-5, $"{name}: max |TorchSharp − PyTorch| = {err:E2}");
        Assert.True(io["y"].abs().max().item<float>() > 1e-3);      // not a trivially zero output
    }

    [PyTorchFact]
    public void WrongArchitectureListsTheMismatchedKeys()
    {
        using var vgg13 = Vgg.Create(VggDepth.Vgg13, classes: 10, hidden: 64, device: CPU);
        var e = Assert.Throws<ArgumentException>(() => PyTorchWeights.Load(vgg13, F("vgg11.pth")));
        Assert.Contains("right architecture", e.Message);
        Assert.Contains("missing from the file (18): features.2.weight; features.2.bias", e.Message);   // VGG-13's second conv
        Assert.Contains("unexpected in the file (14): features.3.weight; features.3.bias", e.Message);  // VGG-11's second conv
        using var bn = Vgg.Create(VggDepth.Vgg11, batchNorm: true, classes: 10, hidden: 64, device: CPU);
        var e2 = Assert.Throws<ArgumentException>(() => PyTorchWeights.Load(bn, F("vgg11.pth")));
        Assert.Contains("missing from the file", e2.Message);
        Assert.Contains("features.1.weight", e2.Message);                          // the BatchNorm after the first conv
        using var wide = Vgg.Create(VggDepth.Vgg11, classes: 1000, hidden: 64, device: CPU);
        Assert.Contains("classifier.6.weight: model [1000, 64], file [10, 64]",
                        Assert.Throws<ArgumentException>(() => PyTorchWeights.Load(wide, F("vgg11.pth"))).Message);
    }

    [PyTorchFact]
    public void LegacyFormatIsRefusedWithTheConversionCommand()
    {
        var e = Assert.Throws<InvalidDataException>(() => PyTorchWeights.Read(F("legacy.pth")));
        Assert.Contains("legacy", e.Message);
        Assert.Contains("torch.save(torch.load(", e.Message);
    }

    [Fact]
    public void NotAWeightsFileIsRefused()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "hello");
            Assert.Contains("not a PyTorch weights file", Assert.Throws<InvalidDataException>(() => PyTorchWeights.Read(path)).Message);
            Assert.Throws<FileNotFoundException>(() => PyTorchWeights.Read(path + ".missing"));
        }
        finally { File.Delete(path); }
    }

    sealed class FloatTolerance(float tol) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tol;
        public int GetHashCode(float f) => 0;
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();
}
