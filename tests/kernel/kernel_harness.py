"""Shared helpers for the kernel's protocol tests: start the installed `workbench-csharp` kernel as a separate
process through jupyter_client (Debian's python3-jupyter-client) and collect the IOPub messages of a request.

The kernelspec must be findable: the xunit driver installs it with `workbench kernel install --prefix DIR` and
sets JUPYTER_PATH=DIR/share/jupyter, so no user-level install is involved."""
import queue
import time
import unittest

from jupyter_client.manager import start_new_kernel

KERNEL_NAME = "workbench-csharp"


class KernelTestCase(unittest.TestCase):
    """One fresh kernel per test (tests are independent and may kill or restart it).
    SharedKernelTestCase below starts one kernel for all tests of a class instead."""

    def setUp(self):
        self.km, self.kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=90)

    def tearDown(self):
        try:
            self.kc.stop_channels()
        finally:
            if self.km.is_alive():
                self.km.shutdown_kernel(now=False)
            self.km.cleanup_resources()

    def execute(self, code, timeout=60, **kwargs):
        """Runs code; returns (execute_reply content, [(msg_type, content), ...] of IOPub messages for it)."""
        outputs = []
        reply = self.kc.execute_interactive(code, timeout=timeout, output_hook=lambda m: outputs.append((m["msg_type"], m["content"])), **kwargs)
        return reply["content"], outputs

    def request(self, send, timeout=30):
        """Sends a shell request with `send()` (returning its msg_id); returns the matching reply message."""
        return self.reply_to(send(), timeout)

    def reply_to(self, msg_id, timeout=30):
        """The shell reply to msg_id, skipping stale replies (wait_for_ready may have sent several kernel_info requests)."""
        deadline = time.time() + timeout
        while True:
            reply = self.kc.get_shell_msg(timeout=max(0.1, deadline - time.time()))
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def wait_for_stream(self, msg_id, text, timeout=60):
        """Waits until the request msg_id has printed `text` (so a cell is surely running, not still compiling)."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            m = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream" and text in m["content"]["text"]:
                return
        raise AssertionError(f"{msg_id} did not print {text!r} within {timeout}s")

    def iopub_for(self, msg_id, timeout=30):
        """IOPub messages whose parent is msg_id, until its status goes idle."""
        messages = []
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                m = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                break
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            messages.append((m["msg_type"], m["content"]))
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                return messages
        raise AssertionError(f"no idle status for {msg_id} within {timeout}s; got {messages}")

    @staticmethod
    def of_type(outputs, msg_type):
        return [c for t, c in outputs if t == msg_type]

    @staticmethod
    def plain(outputs):
        """All text the cell produced: streams and text/plain of results and displays."""
        parts = []
        for t, c in outputs:
            if t == "stream":
                parts.append(c["text"])
            elif t in ("execute_result", "display_data", "update_display_data"):
                parts.append(c["data"].get("text/plain", ""))
        return "".join(parts)


class SharedKernelTestCase(KernelTestCase):
    """One kernel for every test of the class (cells of different tests share the session: use distinct names)."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=90)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        if cls.km.is_alive():
            cls.km.shutdown_kernel(now=False)
        cls.km.cleanup_resources()

    def setUp(self):
        pass

    def tearDown(self):
        pass


def main():
    unittest.main(verbosity=2)
