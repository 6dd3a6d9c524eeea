using Workbench.Studies.NeurCam;

namespace Workbench.Tests.Studies.NeurCam;

/// <summary>The ranks of NeurCAM Table 1: joint over method×representation for ARI/NMI/ACC, within a representation for inertia.</summary>
public class TabularStudyTests
{
    [Fact]
    public void JointRanksRankExternalMetricsAcrossRepresentationsAndInertiaWithin()
    {
        StudyRow R(string set, string rep, string m, double ari, double inertia) => new(set, rep, m, 0, ari, ari, ari, inertia, 0);
        var rows = new[]
        {
            R("s", "AE", "A", 0.5, 10), R("s", "AE", "B", 0.3, 20),
            R("s", "Sp", "A", 0.1, 2), R("s", "Sp", "B", 0.4, 1),
        };
        var ranks = TabularStudy.JointRanks(rows, r => r.Representation);
        // ARI over all four entries: A/AE 0.5 → 1, B/Sp 0.4 → 2, B/AE 0.3 → 3, A/Sp 0.1 → 4; inertia within AE: A 1, B 2; within Sp: B 1, A 2
        Assert.Equal((1.0, 1.0, 1.0, 1.0), ranks[("A", "AE")]);
        Assert.Equal((3.0, 3.0, 3.0, 2.0), ranks[("B", "AE")]);
        Assert.Equal((4.0, 4.0, 4.0, 2.0), ranks[("A", "Sp")]);
        Assert.Equal((2.0, 2.0, 2.0, 1.0), ranks[("B", "Sp")]);
        Assert.Equal(new[] { 1.5, 1.5, 3 }, TabularStudy.Rank(new[] { 2.0, 2.0, 5.0 }));
    }
}
