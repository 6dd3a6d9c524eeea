using System.Text;

namespace Workbench.Text.Mail;

/// <summary>MIME content-transfer-encodings (RFC 2045 §6): quoted-printable and base64 to bytes; 7bit, 8bit and binary unchanged.</summary>
public static class TransferEncodings
{
    /// <summary>Decodes <paramref name="body"/> (the raw bytes of one part) by its Content-Transfer-Encoding; an unknown encoding is a <see cref="MailFormatException"/>.</summary>
    public static byte[] Decode(byte[] body, string? encoding) => (encoding ?? "7bit").Trim().ToLowerInvariant() switch
    {
        "" or "7bit" or "8bit" or "binary" => body,
        "quoted-printable" => QuotedPrintable(body),
        "base64" => Base64(body),
        var other => throw new MailFormatException($"unknown content-transfer-encoding '{other}'"),
    };

    /// <summary>RFC 2045 §6.7: <c>=XX</c> is a byte, <c>=</c> at the end of a line is a soft break; anything else stays.</summary>
    public static byte[] QuotedPrintable(byte[] body)
    {
        var o = new List<byte>(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            byte b = body[i];
            if (b != (byte)'=') { o.Add(b); continue; }
            // soft line break: '=' then optional spaces then CRLF/LF
            int j = i + 1;
            while (j < body.Length && (body[j] == (byte)' ' || body[j] == (byte)'\t')) j++;
            if (j < body.Length && body[j] == (byte)'\n') { i = j; continue; }
            if (j + 1 < body.Length && body[j] == (byte)'\r' && body[j + 1] == (byte)'\n') { i = j + 1; continue; }
            if (j >= body.Length) { i = j; continue; }
            if (i + 2 < body.Length && Hex(body[i + 1]) is int hi && Hex(body[i + 2]) is int lo)
            {
                o.Add((byte)(hi * 16 + lo)); i += 2; continue;
            }
            o.Add(b); // a stray '=' is kept (RFC 2045 §6.7 note 1: be lenient)
        }
        return o.ToArray();
    }

    static int? Hex(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        _ => null,
    };

    /// <summary>RFC 2045 §6.8: characters outside the base64 alphabet are ignored; a truncated final group is a <see cref="MailFormatException"/>.</summary>
    public static byte[] Base64(byte[] body)
    {
        var sb = new StringBuilder(body.Length);
        foreach (byte b in body)
            if (b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'+' or (byte)'/')
                sb.Append((char)b);
        while (sb.Length % 4 != 0) sb.Append('=');
        try { return Convert.FromBase64String(sb.ToString()); }
        catch (FormatException e) { throw new MailFormatException($"broken base64 body ({e.Message})"); }
    }
}
