using Workbench.Models;
using static TorchSharp.torch;

namespace Workbench.Cli.Commands;

static partial class ExplainImage
{
    // The relevance computation needs the LRP engine (rules, composites, deep NEON heads) of branch lrp; until it is merged
    // the command checks and loads everything and then says so.
    static (Tensor Relevance, string What) Explain(Vgg model, Tensor x, ExplainImageRequest r, string composite, string? layer) =>
        throw new CliCsv.InputException("explain image: the LRP engine (Workbench.Propagation rules and composites) is not in this build yet.");
}
