using System.CommandLine;
using Workbench.Cli.Commands;
using Workbench.IO;
using static TorchSharp.torch;

namespace Workbench.Tests.Cli;

/// <summary><c>workbench explain image</c>: argument checks and bad input, run in-process.</summary>
public sealed class ExplainCommandTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("explain-cli-").FullName;
    public void Dispose() { try { Directory.Delete(_dir, true); } catch { } }
    string P(string name) => Path.Combine(_dir, name);

    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand();
        foreach (var c in CommandCatalog.All()) root.Subcommands.Add(c);
        var o = new StringWriter(); var e = new StringWriter();
        int code = root.Parse(args).Invoke(new InvocationConfiguration { Output = o, Error = e });
        return (code, o.ToString(), e.ToString());
    }

    string Error(params string[] args)
    {
        var (code, _, err) = Run(args);
        Assert.NotEqual(0, code);
        return err;
    }

    [Fact]
    public void InconsistentArgumentsAreRefusedBeforeAnythingIsLoaded()
    {
        Npy.Write(P("x.npy"), zeros(1, 3, 32, 32));
        string[] Base(params string[] more) => ["explain", "image", "--arch", "vgg11", "--weights", "random:0", "--out", P("r.npy"), .. more];
        Assert.Contains("--arch 'resnet50' is not known", Error(["explain", "image", "--arch", "resnet50", "--weights", "random", "--input", P("x.npy"), "--out", P("r.npy")]));
        Assert.Contains("exactly one of --image", Error(Base()));
        Assert.Contains("exactly one of --image", Error(Base("--input", P("x.npy"), "--image", P("x.npy"))));
        Assert.Contains("give one of them", Error(Base("--input", P("x.npy"), "--class", "3", "--layer", "features.5", "--cluster-k", "4")));
        Assert.Contains("go together", Error(Base("--input", P("x.npy"), "--layer", "features.5")));
        Assert.Contains("at least 2", Error(Base("--input", P("x.npy"), "--layer", "features.5", "--cluster-k", "1")));
        Assert.Contains("--composite 'zplus' is not known", Error(Base("--input", P("x.npy"), "--composite", "zplus")));
        Assert.Contains("does not exist", Error(Base("--image", P("missing.jpg"))));
        Assert.Contains("--weights '", Error(["explain", "image", "--arch", "vgg11", "--weights", P("none.pth"), "--input", P("x.npy"), "--out", P("r.npy")]));
    }

    [Fact]
    public void BadInputFilesGetClearErrors()
    {
        string[] Base(params string[] more) => ["explain", "image", "--arch", "vgg11", "--weights", "random:0", "--out", P("r.npy"), .. more];
        File.WriteAllText(P("photo.jpg"), "this is not a jpeg");
        Assert.Contains("is not an image", Error(Base("--image", P("photo.jpg"))));
        Npy.Write(P("f64.npy"), zeros(1, 3, 32, 32, dtype: ScalarType.Float64), keepDtype: true);
        Assert.Contains("must be float32", Error(Base("--input", P("f64.npy"))));
        Npy.Write(P("nhwc.npy"), zeros(1, 32, 32, 3));
        Assert.Contains("[N, 3, H, W]", Error(Base("--input", P("nhwc.npy"))));
        Npy.Write(P("tiny.npy"), zeros(1, 3, 16, 16));
        Assert.Contains("at least 32×32", Error(Base("--input", P("tiny.npy"))));
        Npy.Write(P("x.npy"), zeros(1, 3, 32, 32));
        Assert.Contains("--class 1000 is out of range", Error(Base("--input", P("x.npy"), "--class", "1000")));
        Assert.Contains("--layer 'features.99' is not a layer", Error(Base("--input", P("x.npy"), "--layer", "features.99", "--cluster-k", "4")));
    }

    [Fact]
    public void ExplainsAClassLogitWithRandomWeights()
    {
        using var gen = new TorchSharp.torch.Generator(1);
        Npy.Write(P("x.npy"), randn(1, 3, 32, 32, generator: gen));
        var (code, stdout, err) = Run("explain", "image", "--arch", "vgg11", "--weights", "random:0", "--input", P("x.npy"),
                                      "--class", "3", "--out", P("r.npy"), "--png", P("h.png"));
        Assert.True(code == 0, err);
        Assert.Contains("class 3", stdout);
        var r = Npy.Read(P("r.npy"));
        Assert.Equal(new long[] { 1, 3, 32, 32 }, r.shape);
        Assert.True(r.isfinite().all().item<bool>());
        Assert.True(r.abs().sum().item<float>() > 0);
        Assert.True(new FileInfo(P("h.png")).Length > 100);
    }

    [Fact]
    public void ExplainsEachClusterOfTheLocationsAtALayer()
    {
        using var gen = new TorchSharp.torch.Generator(2);
        Npy.Write(P("x.npy"), randn(1, 3, 48, 48, generator: gen));
        var (code, stdout, err) = Run("explain", "image", "--arch", "vgg11", "--weights", "random:0", "--input", P("x.npy"),
                                      "--layer", "features.5", "--cluster-k", "3", "--out", P("r.npy"), "--png", P("grid.png"));
        Assert.True(code == 0, err);
        Assert.Contains("k-means K = 3 on the 144 unit location vectors of features.5", stdout);
        var r = Npy.Read(P("r.npy"));
        Assert.Equal(new long[] { 3, 3, 48, 48 }, r.shape);                     // [K, 3, H, W]
        Assert.True(r.isfinite().all().item<bool>());
        // torchvision's init has zero conv biases, so γ and z^B conserve: every cluster's map sums to a positive f_c total
        Assert.True(r.flatten(1).sum(new long[] { 1 }).gt(0).all().item<bool>());
        Assert.True(new FileInfo(P("grid.png")).Length > 100);
    }

    [Fact]
    public void ClusterArgumentsThatCannotWorkAreRefused()
    {
        string[] Base(params string[] more) => ["explain", "image", "--arch", "vgg11", "--weights", "random:0", "--out", P("r.npy"), .. more];
        Npy.Write(P("x.npy"), randn(1, 3, 32, 32));
        var e = Error(Base("--input", P("x.npy"), "--layer", "features.20", "--cluster-k", "2"));   // last pool: 1×1
        Assert.Contains("more than the 1 locations of features.20", e);
        e = Error(Base("--input", P("x.npy"), "--layer", "conv1", "--cluster-k", "2"));
        Assert.Contains("features.0 … features.20", e);
        Assert.Contains("block ends", e);
        Npy.Write(P("two.npy"), randn(2, 3, 32, 32));
        Assert.Contains("one image", Error(Base("--input", P("two.npy"), "--layer", "features.5", "--cluster-k", "2")));
        Assert.False(File.Exists(P("r.npy")));
    }

    [Fact]
    public void NpyRoundTripsAndRefusesNaN()
    {
        var x = arange(24, dtype: ScalarType.Float32).reshape(2, 3, 4);
        Npy.Write(P("a.npy"), x);
        Assert.True(Same(Npy.Read(P("a.npy")), x));
        var bad = x.clone(); bad[0, 0, 0] = tensor(float.NaN);
        Assert.Throws<ArgumentException>(() => Npy.Write(P("b.npy"), bad));
        File.WriteAllText(P("c.npy"), "nope");
        Assert.Contains("not a NumPy", Assert.Throws<InvalidDataException>(() => Npy.Read(P("c.npy"))).Message);
    }

    static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.dtype == b.dtype && a.eq(b).all().item<bool>();
}
