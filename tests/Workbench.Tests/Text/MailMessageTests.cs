using System.Text;
using Workbench.Text.Mail;

namespace Workbench.Tests.Text;

/// <summary>RFC 822 headers, MIME multipart, quoted-printable, base64 and charsets on hand-written messages.</summary>
public class MailMessageTests
{
    static byte[] Bytes(string s) => Encoding.Latin1.GetBytes(s.Replace("\r\n", "\n").Replace("\n", "\r\n"));

    /// <summary>Headers are unfolded and the list id is the bracketed part.</summary>
    [Fact]
    public void HeadersAreUnfoldedAndTheListIdIsTheBracketedPart()
    {
        var m = MailMessage.Parse(Bytes("From someone  Thu Aug 22 12:36:23 2002\nSubject: Re: [ILUG] hello\n  world\nList-Id: Irish Linux Users' Group <ilug.linux.ie>\n\nBody text.\n"));
        Assert.Equal("Re: [ILUG] hello world", m.Header("subject"));
        Assert.Equal("ilug.linux.ie", m.ListId);
        Assert.Equal("Body text.", m.Body.Trim());
        Assert.DoesNotContain("ILUG", m.Body);
    }

    /// <summary>Quoted printable is decoded in its charset.</summary>
    [Fact]
    public void QuotedPrintableIsDecodedInItsCharset()
    {
        var m = MailMessage.Parse(Bytes("Subject: x\nContent-Type: text/plain; charset=\"iso-8859-1\"\nContent-Transfer-Encoding: quoted-printable\n\ncaf=E9 au lait, soft=\n break =3D equal\n"));
        Assert.Equal("café au lait, soft break = equal", m.Body.Trim());
        Assert.Equal(new byte[] { 0xE9, (byte)'x' }, TransferEncodings.QuotedPrintable(Encoding.ASCII.GetBytes("=E9=\r\nx")));
    }

    /// <summary>Base64 text parts are decoded and attachments dropped.</summary>
    [Fact]
    public void Base64TextPartsAreDecodedAndAttachmentsDropped()
    {
        string b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes("naïve résumé text"));
        var raw = "Subject: x\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"XYZ\"\n\npreamble\n--XYZ\n" +
                  "Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n" + b64[..10] + "\n" + b64[10..] + "\n" +
                  "--XYZ\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n--XYZ--\nepilogue\n";
        var m = MailMessage.Parse(Bytes(raw));
        Assert.Equal("naïve résumé text", m.Body.Trim());
        Assert.Equal(1, m.DroppedParts);
        Assert.DoesNotContain("preamble", m.Body);
        Assert.DoesNotContain("epilogue", m.Body);
    }

    /// <summary>Alternative takes the plain text and html only when alone.</summary>
    [Fact]
    public void AlternativeTakesThePlainTextAndHtmlOnlyWhenAlone()
    {
        var alt = "Subject: x\nContent-Type: multipart/alternative; boundary=b1\n\n--b1\nContent-Type: text/html\n\n<p>html <b>version</b></p>\n" +
                  "--b1\nContent-Type: text/plain\n\nplain version\n--b1--\n";
        Assert.Equal("plain version", MailMessage.Parse(Bytes(alt)).Body.Trim());
        var html = "Subject: x\nContent-Type: text/html; charset=us-ascii\n\n<html><style>p{}</style><p>only &amp; html</p></html>\n";
        Assert.Equal("only & html", MailMessage.Parse(Bytes(html)).Body.Trim());
    }

    /// <summary>Bad messages are refused with a reason.</summary>
    [Fact]
    public void BadMessagesAreRefusedWithAReason()
    {
        var e1 = Assert.Throws<MailFormatException>(() => MailMessage.Parse(Bytes("this is not a header\n\nbody\n")));
        Assert.Contains("not RFC 822", e1.Reason);
        var e2 = Assert.Throws<MailFormatException>(() => MailMessage.Parse(Bytes("Subject: x\nContent-Type: text/plain; charset=x-klingon\n\nbody\n")));
        Assert.Contains("unknown charset 'x-klingon'", e2.Reason);
        var e3 = Assert.Throws<MailFormatException>(() => MailMessage.Parse(Bytes("Subject: x\nContent-Type: multipart/mixed\n\nbody\n")));
        Assert.Contains("boundary", e3.Reason);
    }

    /// <summary>The corpus counts skipped messages by reason and keeps large lists.</summary>
    [Fact]
    public void TheCorpusCountsSkippedMessagesByReasonAndKeepsLargeLists()
    {
        var msgs = new List<(string, byte[])>();
        for (int i = 0; i < 3; i++) msgs.Add(($"a{i}", Bytes($"List-Id: <a.example>\nSubject: s\n\nmessage {i} about kernels\n")));
        msgs.Add(("b0", Bytes("List-Id: <b.example>\n\nlonely\n")));
        msgs.Add(("n0", Bytes("Subject: no list\n\ntext\n")));
        msgs.Add(("bad", Bytes("garbage line\n\ntext\n")));
        msgs.Add(("cs", Bytes("List-Id: <a.example>\nContent-Type: text/plain; charset=x-unknown-cs\n\ntext\n")));
        var c = MailCorpus.FromMessages(msgs, minPerList: 2);
        Assert.Equal(7, c.Read);
        Assert.Equal(1, c.WithoutList);
        Assert.Equal(2, c.Skipped.Values.Sum());
        Assert.Contains(c.Skipped.Keys, k => k.Contains("x-unknown-cs"));
        Assert.Equal(new[] { "a.example" }, c.Lists);
        Assert.Equal(3, c.Documents.Count);
        Assert.Equal(1, c.AllLists["b.example"]);
        Assert.Equal(2, c.Sample(2, seed: 1).Count);
    }
}
