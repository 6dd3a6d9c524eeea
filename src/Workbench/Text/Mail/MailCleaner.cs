using System.Text.RegularExpressions;

namespace Workbench.Text.Mail;

/// <summary>
/// Removes from a message body what would leak its mailing list, as NEON §VI-A removes "headers, footers and quotes" of
/// 20 Newsgroups (rules after scikit-learn's <c>fetch_20newsgroups(remove=…)</c>, <c>sklearn/datasets/_twenty_newsgroups.py</c>):
/// list footers (Mailman's underscore rule + "… mailing list", SourceForge sponsor blocks), everything after a
/// signature delimiter <c>-- </c> (RFC 3676 §4.3) or an Outlook "-----Original Message-----", quoted lines
/// (<c>&gt;</c>, <c>|</c>) and attribution lines ("… wrote:"), and subject-style list tags such as <c>[ILUG]</c>.
/// Headers are never part of the body (<see cref="MailMessage.Body"/>).
/// </summary>
public static partial class MailCleaner
{
    /// <summary>The cleaned body: the rules above applied line by line, runs of blank lines collapsed.</summary>
    public static string Clean(string body)
    {
        var lines = StripPgp(body.Replace("\r\n", "\n").Split('\n')).ToList();
        int cut = lines.Count;
        for (int i = 0; i < lines.Count && cut == lines.Count; i++)
        {
            var l = lines[i];
            if (l == "-- " || l.TrimEnd() == "--") cut = i;                                        // signature (RFC 3676 §4.3)
            else if (OriginalRegex().IsMatch(l)) cut = i;                                           // Outlook-style quoted reply
            else if (RuleRegex().IsMatch(l) && Ahead(lines, i, 4).Any(a => FooterRegex().IsMatch(a))) cut = i; // list footer
        }
        var kept = new List<string>();
        foreach (var l in lines.Take(cut))
        {
            if (QuoteRegex().IsMatch(l))                                                              // quoted replies and attributions
            {
                // an attribution folded over two lines ("On Mon, 05 Aug 2002 …" / "Joe wrote:") loses its first half too
                if (l.Contains("wrote:") && kept.Count > 0 && AttributionStartRegex().IsMatch(kept[^1])) kept.RemoveAt(kept.Count - 1);
                continue;
            }
            if (ListLineRegex().IsMatch(l)) continue;                                                 // stray list-administration lines
            kept.Add(TagRegex().Replace(l, ""));
        }
        var text = string.Join("\n", kept).Trim();
        return BlankRunRegex().Replace(text, "\n\n");
    }

    /// <summary>OpenPGP clear-signed text (RFC 4880 §7): the armour lines and the signature block go, dash-escaped lines ("- --") are unescaped.</summary>
    static IEnumerable<string> StripPgp(IEnumerable<string> lines)
    {
        bool inSignature = false, signed = false, inArmourHeader = false;
        foreach (var l in lines)
        {
            var t = l.TrimEnd();
            if (t == "-----BEGIN PGP SIGNED MESSAGE-----") { signed = true; inArmourHeader = true; continue; }
            if (inArmourHeader) { if (t.Length == 0) inArmourHeader = false; continue; }          // "Hash: SHA1" up to the blank line
            if (t == "-----BEGIN PGP SIGNATURE-----") { inSignature = true; continue; }
            if (inSignature) { if (t == "-----END PGP SIGNATURE-----") inSignature = false; continue; }
            yield return signed && l.StartsWith("- ") ? l[2..] : l;
        }
    }

    static IEnumerable<string> Ahead(List<string> lines, int i, int n) => lines.Skip(i + 1).Take(n);

    // sklearn's _QUOTE_RE: (writes in|writes:|wrote:|says:|said:|^In article|^Quoted from|^\||^>), leading spaces allowed
    [GeneratedRegex(@"(writes in|writes:|wrote:|says:|said:|^\s*In article|^\s*Quoted from|^\s*\||^\s*>)")] private static partial Regex QuoteRegex();
    [GeneratedRegex(@"^\s*-{2,}\s*(Original Message|Forwarded Message|Forwarded by)", RegexOptions.IgnoreCase)] private static partial Regex OriginalRegex();
    [GeneratedRegex(@"^\s*(_{10,}|-{20,}|={20,})\s*$")] private static partial Regex RuleRegex();
    [GeneratedRegex(@"mailing list|listinfo|sponsored by|sf\.net|unsubscribe|list maintainer", RegexOptions.IgnoreCase)] private static partial Regex FooterRegex();
    [GeneratedRegex(@"mailman/listinfo|List maintainer:|\(un\)subscription", RegexOptions.IgnoreCase)] private static partial Regex ListLineRegex();
    [GeneratedRegex(@"\[[A-Za-z][\w.\-]{1,24}\]")] private static partial Regex TagRegex();
    [GeneratedRegex(@"\n\s*\n(\s*\n)+")] private static partial Regex BlankRunRegex();
    [GeneratedRegex(@"^\s*(On|Le|Am|El) \S")] private static partial Regex AttributionStartRegex();
}
