"""Messaging protocol 5.3 against the real kernel process: kernel_info, execute (counts, silent, store_history,
streams, results, displays, errors), is_complete, complete, inspect, comm_info, heartbeat."""
import re

from kernel_harness import SharedKernelTestCase, main


class Protocol(SharedKernelTestCase):
    def test_kernel_info(self):
        reply = self.request(self.kc.kernel_info)
        c = reply["content"]
        self.assertEqual(c["status"], "ok")
        self.assertEqual(c["protocol_version"], "5.3")
        self.assertEqual(c["language_info"]["name"], "csharp")
        self.assertEqual(c["language_info"]["file_extension"], ".cs")
        self.assertEqual(reply["header"]["version"], "5.3")

    def test_execute_counts_streams_and_result(self):
        r1, o1 = self.execute("var x = 20;\nConsole.WriteLine(x + 1);\nConsole.Error.WriteLine(\"warn\");\nx * 2 + 2")
        self.assertEqual(r1["status"], "ok")
        n = r1["execution_count"]
        streams = self.of_type(o1, "stream")
        self.assertIn({"name": "stdout", "text": "21\n"}, streams)
        self.assertIn({"name": "stderr", "text": "warn\n"}, streams)
        [result] = self.of_type(o1, "execute_result")
        self.assertEqual(result["data"]["text/plain"], "42")
        self.assertEqual(result["execution_count"], n)
        [inp] = self.of_type(o1, "execute_input")
        self.assertEqual(inp["execution_count"], n)
        # state carries over; a statement cell has no result; each cell counts one
        r2, o2 = self.execute("x += 1;")
        self.assertEqual(r2["execution_count"], n + 1)
        self.assertEqual(self.of_type(o2, "execute_result"), [])
        _, o3 = self.execute("x")
        self.assertEqual(self.of_type(o3, "execute_result")[0]["data"]["text/plain"], "21")

    def test_silent_and_store_history(self):
        r, _ = self.execute("var n = 1;")
        count = r["execution_count"]
        r, o = self.execute("n += 10; n", silent=True)
        self.assertEqual(r["status"], "ok")
        self.assertEqual(r["execution_count"], count, "silent does not count")
        self.assertEqual(self.of_type(o, "execute_input"), [])
        self.assertEqual(self.of_type(o, "execute_result"), [], "silent broadcasts no result")
        r, o = self.execute("n", store_history=False)
        self.assertEqual(r["execution_count"], count, "store_history=False does not count")
        self.assertEqual(self.of_type(o, "execute_result")[0]["data"]["text/plain"], "11", "the silent cell did run")
        r, _ = self.execute("n")
        self.assertEqual(r["execution_count"], count + 1)

    def test_error_names_the_failing_line_and_session_goes_on(self):
        r, o = self.execute("var a = new[] { 1, 2, 3 };\nvar i = 7;\nvar b = a[i];\nb")
        self.assertEqual(r["status"], "error")
        self.assertEqual(r["ename"], "IndexOutOfRangeException")
        [err] = self.of_type(o, "error")
        self.assertEqual(err["ename"], "IndexOutOfRangeException")
        tb = "\n".join(err["traceback"])
        self.assertIn("line 3", tb)
        self.assertIn("var b = a[i];", tb)
        self.assertEqual(err["traceback"], r["traceback"])
        # the session survives and keeps earlier state
        r, o = self.execute("a.Sum()")
        self.assertEqual(r["status"], "ok")
        self.assertEqual(self.of_type(o, "execute_result")[0]["data"]["text/plain"], "6")

    def test_compile_error(self):
        r, o = self.execute("int ok = 1;\nint bad = \"text\";")
        self.assertEqual(r["status"], "error")
        tb = "\n".join(self.of_type(o, "error")[0]["traceback"])
        self.assertIn("CS0029", tb)
        self.assertIn("line 2", tb)

    def test_display_and_update_in_place(self):
        r, o = self.execute('var h = display("first");\nh.Update("second");\nh.Update("third");')
        self.assertEqual(r["status"], "ok")
        [shown] = self.of_type(o, "display_data")
        updates = self.of_type(o, "update_display_data")
        self.assertEqual(shown["data"]["text/plain"], "first")
        display_id = shown["transient"]["display_id"]
        self.assertTrue(display_id)
        self.assertEqual([u["data"]["text/plain"] for u in updates], ["second", "third"])
        self.assertTrue(all(u["transient"]["display_id"] == display_id for u in updates))
        # a later cell updates the same output
        _, o = self.execute('h.Update("from another cell");')
        [u] = self.of_type(o, "update_display_data")
        self.assertEqual(u["transient"]["display_id"], display_id)

    def test_progress_bar_is_a_live_display(self):
        r, o = self.execute('using (var bar = Progress.Start("epochs", 3)) {\n'
                            '  for (int e = 0; e < 3; e++) { System.Threading.Thread.Sleep(250); bar.Report(e + 1, $"loss {1.0 / (e + 1):F2}"); }\n}')
        self.assertEqual(r["status"], "ok")
        shown = self.of_type(o, "display_data")
        self.assertEqual(len(shown), 1, "one bar")
        self.assertIn("text/html", shown[0]["data"])
        updates = self.of_type(o, "update_display_data")
        self.assertGreaterEqual(len(updates), 2)
        self.assertIn("3/3", updates[-1]["data"]["text/plain"])
        self.assertEqual(self.of_type(o, "stream"), [], "no text lines in Jupyter")

    def test_rich_output_html(self):
        r, o = self.execute('display(Html("<b>bold</b>"));\nMarkdown("# Title")')
        self.assertEqual(r["status"], "ok")
        self.assertIn("<b>bold</b>", self.of_type(o, "display_data")[0]["data"]["text/html"])
        self.assertIn("text/markdown", self.of_type(o, "execute_result")[0]["data"])

    def test_rich_output_frame_and_image(self):
        r, o = self.execute('var frame = Frame.FromRecords(new[] { new { Cluster = 0, Size = 12 }, new { Cluster = 1, Size = 30 } });\n'
                            'display(frame);\n'
                            '// a 1x1 PNG\n'
                            'new PngImage(Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="), 1, 1)')
        self.assertEqual(r["status"], "ok", r)
        html = self.of_type(o, "display_data")[0]["data"]["text/html"]
        self.assertIn("<table", html)
        self.assertIn("Size", html)
        result = self.of_type(o, "execute_result")[0]["data"]
        self.assertTrue(result["image/png"].startswith("iVBORw0KGgo"))

    def test_is_complete(self):
        def status(code):
            return self.request(lambda: self.kc.is_complete(code))["content"]["status"]
        self.assertEqual(status("var x = 1;"), "complete")
        self.assertEqual(status("for (int i = 0; i < 3; i++) {"), "incomplete")
        self.assertEqual(status("1 + 1"), "complete")

    def test_complete_at_cursor(self):
        self.execute("var trainingLoss = 0.5;\nvar values = new List<int> { 3, 1, 2 };")
        code = "var y = train"
        c = self.request(lambda: self.kc.complete(code, len(code)))["content"]
        self.assertEqual(c["status"], "ok")
        self.assertIn("trainingLoss", c["matches"])
        self.assertEqual((c["cursor_start"], c["cursor_end"]), (len("var y = "), len(code)))
        # members after a dot, including LINQ extension methods; the cursor mid-text counts
        code = "values.Ord + 1"
        cursor = len("values.Ord")
        c = self.request(lambda: self.kc.complete(code, cursor))["content"]
        self.assertIn("OrderBy", c["matches"])
        self.assertIn("OrderByDescending", c["matches"])
        self.assertNotIn("Count", c["matches"])
        self.assertEqual(c["cursor_start"], len("values."))
        # static members of a type
        c = self.request(lambda: self.kc.complete("Math.Sq", 7))["content"]
        self.assertEqual(c["matches"], ["Sqrt"])

    def test_inspect_signature_and_docs(self):
        c = self.request(lambda: self.kc.inspect("Math.Sqrt(2)", 7, 0))["content"]
        self.assertTrue(c["found"])
        text = c["data"]["text/plain"]
        self.assertIn("double Math.Sqrt(double d)", text)
        self.assertIn("square root", text)            # from the XML documentation
        self.execute("var learningRate = 0.01f;")
        c = self.request(lambda: self.kc.inspect("learningRate * 2", 3, 0))["content"]
        self.assertTrue(c["found"])
        self.assertIn("float learningRate", c["data"]["text/plain"])
        c = self.request(lambda: self.kc.inspect("   ", 1, 0))["content"]
        self.assertFalse(c["found"])

    def test_console_readline_asks_the_client(self):
        prompts = []

        def answer(msg):
            prompts.append(msg["content"])
            self.kc.input("Ada")
        r, o = self.execute('Console.Write("Name? ");\nvar name = Console.ReadLine();\n$"hello {name}"', allow_stdin=True, stdin_hook=answer)
        self.assertEqual(r["status"], "ok")
        self.assertEqual(len(prompts), 1)
        self.assertEqual(self.of_type(o, "execute_result")[0]["data"]["text/plain"], "hello Ada")
        self.assertIn("Name? ", self.plain(o))
        # a client that does not allow stdin (nbconvert) gets a clear error, not a hang
        r, _ = self.execute("Console.ReadLine()", allow_stdin=False)
        self.assertEqual(r["status"], "error")
        self.assertIn("allow_stdin is false", r["evalue"])

    def test_interrupt_during_a_call_that_cannot_be_interrupted_says_so(self):
        # libc's sleep stands for a long native call (an 8000x8000 matmul): nothing can stop it midway. The kernel says
        # so after 3 s; when it returns, the cell ends as interrupted (an error), never ok, and its value is not shown.
        msg_id = self.kc.execute('static class Native { [System.Runtime.InteropServices.DllImport("libc")] public static extern uint sleep(uint s); }\n'
                                 'Console.WriteLine("sleeping");\nNative.sleep(5);\n"woke"')
        self.wait_for_stream(msg_id, "sleeping")
        self.km.interrupt_kernel()
        reply = self.reply_to(msg_id, timeout=30)
        outputs = self.iopub_for(msg_id)
        notice = [c["text"] for c in self.of_type(outputs, "stream") if c["name"] == "stderr"]
        self.assertTrue(any("still running" in t and "restart the kernel" in t for t in notice), notice)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertIn("cannot be stopped midway", reply["content"]["evalue"])
        self.assertEqual(self.of_type(outputs, "execute_result"), [])
        r, _ = self.execute("1 + 1")
        self.assertEqual(r["status"], "ok")

    def test_200000_printed_lines_all_arrive_coalesced_with_idle(self):
        # One IOPub message per line lost ~90 % of them and the final idle at the high-water mark: now coalesced.
        n = 200_000
        r, o = self.execute(f"for (int i = 0; i < {n}; i++) Console.WriteLine(i);", timeout=120)
        self.assertEqual(r["status"], "ok")
        streams = self.of_type(o, "stream")
        text = "".join(c["text"] for c in streams if c["name"] == "stdout")
        limited = [c["text"] for c in streams if c["name"] == "stderr" and "rate limit" in c["text"]]
        if limited:   # reported as limited, with counts (never silent)
            self.assertTrue(any("were not sent" in t for t in limited), limited)
        else:
            self.assertEqual(text.split("\n")[:-1], [str(i) for i in range(n)])
        self.assertLess(len(streams), 2000, "stream output is coalesced")

    def test_huge_outputs_are_truncated_and_the_kernel_lives(self):
        # ~167M characters or more in one output used to kill the process (WireCodec.Encode on the socket thread).
        r, o = self.execute('var huge = new string(\'x\', 200_000_000);\nConsole.Write(huge);\ndisplay(huge);\nhuge', timeout=240)
        self.assertEqual(r["status"], "ok", r)
        streams = "".join(c["text"] for c in self.of_type(o, "stream") if c["name"] == "stdout")
        self.assertIn("output truncated", streams)
        self.assertIn("200,000,000 characters", streams)
        self.assertLessEqual(len(streams), 16 * 1024 * 1024 + 1000)
        [shown] = self.of_type(o, "display_data")
        [result] = self.of_type(o, "execute_result")
        for bundle in (shown, result):
            self.assertIn("output truncated", bundle["data"]["text/plain"])
            self.assertLessEqual(len(bundle["data"]["text/plain"]), 16 * 1024 * 1024)
        r, o = self.execute("huge = null; 2 + 2")
        self.assertEqual(self.of_type(o, "execute_result")[0]["data"]["text/plain"], "4")

    def test_comm_info_is_empty(self):
        c = self.request(lambda: self.kc.comm_info())["content"]
        self.assertEqual(c, {"status": "ok", "comms": {}})

    def test_heartbeat(self):
        self.assertTrue(self.kc.hb_channel.is_alive())
        import time
        time.sleep(3.5)   # the heartbeat channel pings every ~3 s
        self.assertTrue(self.kc.hb_channel.is_beating())


if __name__ == "__main__":
    main()
