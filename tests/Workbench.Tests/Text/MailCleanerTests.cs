using Workbench.Text.Mail;

namespace Workbench.Tests.Text;

/// <summary>What would leak the list is removed: quotes, attributions, signatures, list footers, subject tags.</summary>
public class MailCleanerTests
{
    /// <summary>Quotes signatures footers and tags are removed.</summary>
    [Fact]
    public void QuotesSignaturesFootersAndTagsAreRemoved()
    {
        var body = string.Join("\n", new[]
        {
            "On Mon, Joe Bloggs wrote:",
            "> quoted line that must go",
            "  > indented quote",
            "My own text about [ILUG] kernels.",
            "",
            "",
            "",
            "More of mine.",
            "-- ",
            "Joe's signature",
            "_______________________________________________",
            "Exmh-users mailing list",
            "https://listman.redhat.com/mailman/listinfo/exmh-users",
        });
        var clean = MailCleaner.Clean(body);
        Assert.Equal("My own text about  kernels.\n\nMore of mine.", clean);
    }

    /// <summary>A mailman footer without signature is cut.</summary>
    [Fact]
    public void AMailmanFooterWithoutSignatureIsCut()
    {
        var body = "Real content here.\n_______________________________________________\nRPM-List mailing list <RPM-List@freshrpms.net>\nhttp://lists.freshrpms.net/mailman/listinfo/rpm-list\n";
        Assert.Equal("Real content here.", MailCleaner.Clean(body));
        var sf = "Text.\n-------------------------------------------------------\nThis sf.net email is sponsored by: OSDN\n";
        Assert.Equal("Text.", MailCleaner.Clean(sf));
        var outlook = "Reply.\n-----Original Message-----\nFrom: x\nold text\n";
        Assert.Equal("Reply.", MailCleaner.Clean(outlook));
    }

    /// <summary>An attribution folded over two lines goes whole.</summary>
    [Fact]
    public void AnAttributionFoldedOverTwoLinesGoesWhole()
    {
        Assert.Equal("Mine.", MailCleaner.Clean("On Mon, 05 Aug 2002 21:39:59 -0400\nJoe Bloggs <joe@example.com> wrote:\n> old\nMine."));
    }

    /// <summary>Pgp armour and dash escaped signatures go.</summary>
    [Fact]
    public void PgpArmourAndDashEscapedSignaturesGo()
    {
        var body = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA1\n\nSigned words.\n- --\nname / motto\n-----BEGIN PGP SIGNATURE-----\nVersion: GnuPG\n\niQEVAwUBPXNE16\n-----END PGP SIGNATURE-----\n";
        Assert.Equal("Signed words.", MailCleaner.Clean(body));
    }

    /// <summary>Ordinary underscores and dashes stay.</summary>
    [Fact]
    public void OrdinaryUnderscoresAndDashesStay()
    {
        var body = "a table\n------------------------\nrow one\nrow two";
        Assert.Equal(body, MailCleaner.Clean(body));
    }
}
