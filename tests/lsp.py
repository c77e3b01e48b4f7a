"""A language-server client over stdio, as an editor is: enough of the protocol to open documents,
read the diagnostics the server publishes and ask for completions."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path


class Server:
    """A language server process, spoken to with JSON-RPC framed by Content-Length headers."""

    def __init__(self, command: list[str], root: Path, settings: dict, locale: str = "fr"):
        self.proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.settings, self.ids = settings, 0
        self.replies: dict[int, queue.Queue] = {}
        self.diagnostics: dict[str, list] = {}
        self.published = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        caps = {"textDocument": {"completion": {"completionItem": {"documentationFormat": ["markdown", "plaintext"],
                                                                   "snippetSupport": False}},
                                 "publishDiagnostics": {}, "hover": {"contentFormat": ["markdown"]}},
                "workspace": {"configuration": True}}
        self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": caps,
                                    "locale": locale, "workspaceFolders": [{"uri": root.as_uri(), "name": "w"}]})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": settings})

    def _send(self, message: dict) -> None:
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            length = 0
            while (line := out.readline().strip()):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if not length:
                return
            message = json.loads(out.read(length))
            if "id" in message and "method" in message:  # a request from the server
                self._answer(message)
            elif "id" in message:
                self.replies.setdefault(message["id"], queue.Queue()).put(message)
            elif message.get("method") == "textDocument/publishDiagnostics":
                with self.published:
                    self.diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
                    self.published.notify_all()

    def _answer(self, message: dict) -> None:
        result = None
        if message["method"] == "workspace/configuration":
            result = [self.settings.get(item.get("section", ""), None) for item in message["params"]["items"]]
        self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})

    def request(self, method: str, params: dict, timeout: float = 60):
        self.ids += 1
        box = self.replies.setdefault(self.ids, queue.Queue())
        self._send({"jsonrpc": "2.0", "id": self.ids, "method": method, "params": params})
        reply = box.get(timeout=timeout)
        assert "error" not in reply, reply
        return reply["result"]

    def notify(self, method: str, params: dict) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def open(self, path: Path, text: str | None = None) -> str:
        uri = path.as_uri()
        with self.published:
            self.diagnostics.pop(uri, None)
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1,
            "text": path.read_text(encoding="utf-8") if text is None else text}})
        return uri

    def diagnostics_of(self, uri: str, settle: float = 1.5, timeout: float = 60) -> list:
        """The diagnostics published for a document, once the server has said nothing new for settle seconds."""
        end = time.monotonic() + timeout
        with self.published:
            while uri not in self.diagnostics:
                assert self.published.wait(end - time.monotonic()), "no diagnostics published"
            while True:
                seen = self.diagnostics[uri]
                self.published.wait(settle)
                if self.diagnostics[uri] is seen or time.monotonic() > end:
                    return seen

    def complete(self, uri: str, line: int, character: int) -> list:
        result = self.request("textDocument/completion", {"textDocument": {"uri": uri},
                                                           "position": {"line": line, "character": character}})
        return result["items"] if isinstance(result, dict) else result

    def close(self) -> None:
        try:
            self.request("shutdown", {}, timeout=10)
            self.notify("exit", {})
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()
            self.proc.wait(timeout=10)
        finally:
            self.proc.stdin.close()
            self.proc.stdout.close()
