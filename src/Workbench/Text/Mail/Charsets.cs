using System.Text;

namespace Workbench.Text.Mail;

/// <summary>MIME charset names (RFC 2046 §4.1.2) to .NET encodings, including the Windows and ISO code pages of
/// <see cref="CodePagesEncodingProvider"/>. An unknown charset is a <see cref="MailFormatException"/>, never a guess.</summary>
public static class Charsets
{
    static Charsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The encoding named <paramref name="charset"/> (quotes and case ignored); null or empty is US-ASCII (RFC 2046 §4.1.2).
    /// US-ASCII is read as Latin-1 so that stray 8-bit bytes in mislabelled mail keep a character each.</summary>
    public static Encoding Get(string? charset)
    {
        var name = (charset ?? "").Trim().Trim('"', '\'').ToLowerInvariant();
        if (name is "" or "us-ascii" or "ascii" or "ansi_x3.4-1968" or "default") return Encoding.Latin1;
        if (name is "utf8") name = "utf-8";
        try { return Encoding.GetEncoding(name); }
        catch (ArgumentException) { throw new MailFormatException($"unknown charset '{name}'"); }
    }
}
