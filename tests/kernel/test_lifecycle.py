"""The kernel's life cycle against the real process: interrupt, restart, shutdown, a cell that ends the process or
overflows the stack, and messages that must never run (wrong signature, malformed, replayed)."""
import os
import tempfile
import time
import unittest

import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

from kernel_harness import KERNEL_NAME, KernelTestCase, main


class Lifecycle(KernelTestCase):
    def setUp(self):
        # The kernel's stderr (its log) goes to a file the tests read.
        self.log_path = tempfile.mktemp(prefix="wb-kernel-", suffix=".log")
        self.log_file = open(self.log_path, "w")
        self.km, self.kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=90, stderr=self.log_file)

    def tearDown(self):
        super().tearDown()
        self.log_file.close()

    def log(self):
        self.log_file.flush()
        with open(self.log_path) as f:
            return f.read()

    def wait_dead(self, timeout):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not self.km.is_alive():
                return True
            time.sleep(0.2)
        return False

    def test_interrupt_endless_loop_then_next_cell_runs(self):
        self.execute("var before = 41;")
        msg_id = self.kc.execute("long spins = 0;\nConsole.WriteLine(\"spinning\");\nwhile (true) { spins++; }")
        self.wait_for_stream(msg_id, "spinning")
        time.sleep(0.5)
        self.assertTrue(self.km.is_alive())
        started = time.time()
        self.km.interrupt_kernel()              # interrupt_mode "message": interrupt_request on control
        reply = self.reply_to(msg_id, timeout=15)
        self.assertLess(time.time() - started, 5)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertIn("Canceled", reply["content"]["ename"])
        self.assertIn("interrupted", reply["content"]["evalue"])
        r, o = self.execute("spins > 0 ? before + 1 : -1")
        self.assertEqual(r["status"], "ok")
        self.assertEqual(self.of_type(o, "execute_result")[0]["data"]["text/plain"], "42")

    def test_interrupt_loop_inside_a_function(self):
        msg_id = self.kc.execute("int Forever() { var i = 0; for (;;) { i = (i + 1) % 7; } }\nConsole.WriteLine(\"spinning\");\nForever()")
        self.wait_for_stream(msg_id, "spinning")
        self.km.interrupt_kernel()
        reply = self.reply_to(msg_id, timeout=15)
        self.assertEqual(reply["content"]["status"], "error")
        r, _ = self.execute("1 + 1")
        self.assertEqual(r["status"], "ok")

    def _interrupt_after(self, code, marker="go"):
        msg_id = self.kc.execute(code)
        self.wait_for_stream(msg_id, marker)
        time.sleep(0.5)
        started = time.time()
        self.km.interrupt_kernel()
        reply = self.reply_to(msg_id, timeout=15)
        return reply["content"], time.time() - started

    def test_interrupt_loops_in_class_methods_and_static_local_functions(self):
        for code in ('class Spinner { public static long Run() { long i = 0; while (true) { i++; } } }\nConsole.WriteLine("go");\nSpinner.Run()',
                     'static long Spin() { long i = 0; while (true) i++; }\nConsole.WriteLine("go");\nSpin()'):
            reply, took = self._interrupt_after(code)
            self.assertEqual(reply["status"], "error", code)
            self.assertIn("interrupted", reply["evalue"])
            self.assertLess(took, 5, code)
        r, o = self.execute("6 * 7")
        self.assertEqual(self.of_type(o, "execute_result")[0]["data"]["text/plain"], "42")

    def test_interrupt_wakes_thread_sleep(self):
        reply, took = self._interrupt_after('Console.WriteLine("go");\nSystem.Threading.Thread.Sleep(60000);\n"woke"')
        self.assertEqual(reply["status"], "error")
        self.assertEqual(reply["ename"], "ThreadInterruptedException")
        self.assertIn("interrupted", reply["evalue"])
        self.assertLess(took, 5)
        r, o = self.execute("System.Threading.Thread.Sleep(50);\n1 + 1")   # no interrupt left over
        self.assertEqual(r["status"], "ok")

    def test_recursion_through_a_property_is_an_error_and_the_kernel_lives(self):
        r, o = self.execute("class R { public int P => P + 1; }\nnew R().P", timeout=120)
        self.assertEqual(r["status"], "error")
        self.assertEqual(r["ename"], "InsufficientExecutionStackException")
        r, o = self.execute("Func<int, int> f = null!;\nf = n => f(n + 1) + 1;\nf(0)", timeout=120)
        self.assertEqual(r["ename"], "InsufficientExecutionStackException")
        self.assertTrue(self.km.is_alive())
        r, _ = self.execute("1 + 1")
        self.assertEqual(r["status"], "ok")

    def test_an_exception_on_a_background_thread_is_explained_before_the_kernel_dies(self):
        msg_id = self.kc.execute('new System.Threading.Thread(() => { System.Threading.Thread.Sleep(500); '
                                 'throw new InvalidOperationException("boom from a thread"); }).Start();')
        reply = self.reply_to(msg_id, timeout=60)
        self.assertEqual(reply["content"]["status"], "ok")
        seen = []
        deadline = time.time() + 30
        while time.time() < deadline and not any("boom from a thread" in t for t in seen):
            try:
                m = self.kc.get_iopub_msg(timeout=1)
            except Exception:
                continue
            if m["msg_type"] == "stream":
                seen.append(m["content"]["text"])
            elif m["msg_type"] == "error":
                seen.append(m["content"]["evalue"])
        self.assertTrue(any("boom from a thread" in t and "background thread" in t for t in seen), seen)
        self.assertTrue(self.wait_dead(15))

    def test_a_connection_file_without_a_key_is_refused(self):
        import json
        import subprocess
        from jupyter_client.kernelspec import KernelSpecManager
        argv = KernelSpecManager().get_kernel_spec(KERNEL_NAME).argv
        info = self.km.get_connection_info()
        conn = {k: info[k] for k in ("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port", "ip", "transport")}
        conn.update(signature_scheme="hmac-sha256", shell_port=info["shell_port"] + 1000)
        path = tempfile.mktemp(prefix="wb-nokey-", suffix=".json")
        with open(path, "w") as f:
            json.dump(conn, f)
        try:
            p = subprocess.run([a.replace("{connection_file}", path) for a in argv], capture_output=True, text=True, timeout=90)
        finally:
            os.remove(path)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn('no "key" field', p.stderr)

    def test_restart_gives_a_fresh_session(self):
        r, _ = self.execute("var keep = 7;")
        self.assertEqual(r["execution_count"], 1)
        self.km.restart_kernel(now=False)      # shutdown_request(restart=true), then a new process
        self.kc.wait_for_ready(timeout=90)
        r, o = self.execute("keep")
        self.assertEqual(r["status"], "error")
        self.assertIn("CS0103", "\n".join(r["traceback"]))   # the name 'keep' does not exist: state is gone
        r, o = self.execute("6 * 7")
        self.assertEqual(r["status"], "ok")
        self.assertEqual(r["execution_count"], 2)
        self.assertIn("shut down for restart", self.log())

    def test_shutdown_ends_the_process(self):
        msg_id = self.kc.shutdown(restart=False)   # on the control channel
        reply = self.kc.get_control_msg(timeout=15)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        self.assertEqual(reply["content"], {"status": "ok", "restart": False})
        self.assertTrue(self.wait_dead(10), "the kernel process should exit after shutdown_reply")

    def test_environment_exit_ends_the_kernel_with_a_message(self):
        r, o = self.execute('Console.WriteLine("bye");\nEnvironment.Exit(3);', timeout=30)
        self.assertEqual(r["status"], "error")
        self.assertIn("Environment.Exit", r["evalue"])
        self.assertTrue(any(c["name"] == "stderr" and "Environment.Exit" in c["text"] for c in self.of_type(o, "stream")))
        self.assertTrue(self.wait_dead(10))
        self.assertEqual(self.km.provisioner.process.returncode if hasattr(self.km, "provisioner") else 3, 3)
        self.assertIn("exit code 3", self.log())

    def test_stack_overflow_ends_the_kernel_and_is_logged(self):
        # Recursion through functions of every kind is a normal error (stack guard). What the guard cannot see, frames
        # larger than the margin it keeps (here 512 KB of stackalloc each), overflows the stack, which .NET cannot
        # catch: the process ends and says so on stderr.
        self.kc.execute("static int Deep(int n) { Span<byte> b = stackalloc byte[512 * 1024]; b[0] = 1; return Deep(n + 1) + b[0]; }\nDeep(0)")
        self.assertTrue(self.wait_dead(90), "the kernel must end, not hang")
        self.assertIn("Stack overflow", self.log())

    def _raw_shell(self):
        info = self.km.get_connection_info()
        sock = zmq.Context.instance().socket(zmq.DEALER)
        sock.linger = 0
        sock.connect(f"tcp://{info['ip']}:{info['shell_port']}")
        return sock, info

    def test_wrongly_signed_and_malformed_messages_are_rejected_never_executed(self):
        marker = tempfile.mktemp(prefix="wb-marker-")
        code = f'System.IO.File.AppendAllText(@"{marker}", "x");'
        sock, info = self._raw_shell()
        try:
            wrong = Session(key=b"not-the-key", signature_scheme="hmac-sha256")
            wrong.send(sock, "execute_request", {"code": code, "silent": False, "store_history": True,
                                                 "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
            sock.send_multipart([b"garbage"])
            sock.send_multipart([b"<IDS|MSG>", b"0" * 64, b"{not json", b"{}", b"{}", b"{}"])
            time.sleep(1.0)
            # the kernel is fine and answers properly signed requests
            r, o = self.execute("1 + 2")
            self.assertEqual(self.of_type(o, "execute_result")[0]["data"]["text/plain"], "3")
            self.assertFalse(os.path.exists(marker), "a wrongly signed execute_request must not run")
            log = self.log()
            self.assertIn("rejected a message on shell: invalid HMAC-SHA256 signature", log)
            self.assertIn("rejected a message on shell: no <IDS|MSG> delimiter", log)
            # a replayed (captured and resent) message runs once only
            right = Session(key=info["key"], signature_scheme="hmac-sha256")
            msg = right.msg("execute_request", {"code": code, "silent": True, "store_history": False,
                                                "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
            frames = right.serialize(msg)
            sock.send_multipart(frames)
            sock.send_multipart(frames)
            # the same message with its hex digest in upper case is the same message: refused as a replay too
            d = frames.index(b"<IDS|MSG>")
            upper = list(frames)
            upper[d + 1] = frames[d + 1].upper()
            self.assertNotEqual(upper[d + 1], frames[d + 1])
            sock.send_multipart(upper)
            time.sleep(3.0)
            with open(marker) as f:
                self.assertEqual(f.read(), "x")
            self.assertIn("duplicate signature (replayed message)", self.log())
        finally:
            sock.close()
            if os.path.exists(marker):
                os.remove(marker)


if __name__ == "__main__":
    main()
