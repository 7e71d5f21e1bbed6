"""Headless Chromium for the tests, offline, driven through the DevTools protocol.

    with Browser() as browser:
        page = browser.open(path, probes={"drawn": "document.querySelectorAll('.main-svg').length"},
                            screenshot=tmp_path / "page.png")
        page.values["drawn"], page.errors, page.requests

The browser runs Debian's ``chromium`` with the network cut off (every host resolves to nothing,
every proxied request goes to a closed port), a throw-away profile, no extensions, no background
traffic. The page session records what a reader's browser would do with the file: console
messages, uncaught exceptions, browser log entries (CSP refusals, failed loads), JavaScript
dialogs (alert(), dismissed) and every request the page starts, successful or not. Values are
read with ``Runtime.evaluate`` after the page loaded and its scripts settled.

No chromium is a test failure with a clear message, never a skip: ``make test`` installs it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--no-default-browser-check", "--mute-audio", "--hide-scrollbars",
    # network off: nothing resolves, and anything proxied goes to the discard port of this machine
    "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--remote-debugging-port=0", "--remote-debugging-address=127.0.0.1", "--remote-allow-origins=*",
)
NOT_FOUND = ("Debian's chromium is needed by the browser tests and was not found on PATH; "
             "run `make chromium` (apt-get install --no-install-recommends chromium) or `make test`, which installs it")


def executable(search_path: str | None = None, fallback: str = "/usr/bin/chromium") -> str:
    """The chromium binary; an AssertionError (a failure, not a skip) when it is missing."""
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name, path=search_path):
            return found
    if fallback and os.access(fallback, os.X_OK):
        return fallback
    raise AssertionError(NOT_FOUND)


@dataclass
class Page:
    """What happened while one file was open."""

    url: str
    values: dict = field(default_factory=dict)
    console: list[dict] = field(default_factory=list)      # {"type": "error", "text": ...}
    exceptions: list[str] = field(default_factory=list)
    log: list[dict] = field(default_factory=list)          # {"level", "source", "text", "url"}
    dialogs: list[str] = field(default_factory=list)       # alert()/confirm()/prompt() messages
    requests: list[str] = field(default_factory=list)      # every URL the page asked for, itself excluded
    navigations: list[str] = field(default_factory=list)   # frames that navigated away from the file
    screenshot: Path | None = None

    @property
    def outgoing(self) -> list[str]:
        """Requests that leave the page: any URL but data:, blob: and about: (those never touch a network or disk)."""
        return [r for r in self.requests if not r.startswith(("data:", "blob:", "about:"))]

    @property
    def errors(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions, browser log errors (CSP, failed loads)."""
        return ([f"console.{m['type']}: {m['text']}" for m in self.console if m["type"] in ("error", "warning", "assert")]
                + [f"exception: {e}" for e in self.exceptions]
                + [f"log {e['level']} ({e['source']}): {e['text']}" for e in self.log if e["level"] in ("error", "warning")])


class Browser:
    """One headless Chromium; open() any number of files in fresh tabs."""

    def __init__(self, width: int = 1200, height: int = 900, timeout: float = 60):
        self.width, self.height, self.timeout = width, height, timeout
        self._profile = tempfile.mkdtemp(prefix="parley-test-chromium-")
        self._process = None
        self._ws = None
        self._next_id = 0
        self._events: list[dict] = []

    # --- process and connection ------------------------------------------------------------------
    def __enter__(self) -> "Browser":
        import websocket

        self._process = subprocess.Popen(
            [executable(), *FLAGS, f"--user-data-dir={self._profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        port_file = Path(self._profile) / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while not (port_file.is_file() and len(port_file.read_text().split()) >= 2):
            if self._process.poll() is not None:
                stderr = self._process.stderr.read().decode(errors="replace")[-2000:]
                self._cleanup()
                raise AssertionError(f"chromium exited with {self._process.returncode} before it listened:\n{stderr}")
            if time.monotonic() > deadline:
                self._cleanup()
                raise AssertionError("chromium did not open its DevTools port within the time limit")
            time.sleep(0.05)
        port, path = port_file.read_text().split()[:2]
        self._ws = websocket.create_connection(f"ws://127.0.0.1:{port}{path}", timeout=self.timeout,
                                               suppress_origin=True, http_no_proxy=["127.0.0.1", "localhost"])
        return self

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(Exception):
            self._send("Browser.close")
        self._cleanup()

    def _cleanup(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                self._ws.close()
        if self._process is not None:
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self._process.pid, signal.SIGKILL)  # the group this object started, nothing else
                self._process.wait(timeout=10)
            if self._process.stderr:
                self._process.stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    # --- protocol --------------------------------------------------------------------------------
    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._next_id += 1
        number = self._next_id  # a dialog answered below sends a command of its own
        message = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._ws.send(json.dumps(message))
        while True:
            reply = json.loads(self._ws.recv())
            if reply.get("id") == number:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)
                if reply["method"] == "Page.javascriptDialogOpening":  # answer it, or the page hangs
                    self._send("Page.handleJavaScriptDialog", {"accept": False}, reply.get("sessionId"))

    def _pump(self, seconds: float) -> None:
        """Read events for a while (dialogs get answered)."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._ws.settimeout(left)
            try:
                reply = json.loads(self._ws.recv())
            except Exception:  # noqa: BLE001 - a timeout ends the wait
                break
            finally:
                self._ws.settimeout(self.timeout)
            if "method" in reply:
                self._events.append(reply)
                if reply["method"] == "Page.javascriptDialogOpening":
                    self._send("Page.handleJavaScriptDialog", {"accept": False}, reply.get("sessionId"))

    def evaluate(self, expression: str, session: str):
        result = self._send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True},
                            session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    # --- a page ------------------------------------------------------------------------------------
    def open(self, path: Path, probes: dict[str, str] | None = None, screenshot: Path | None = None,
             ready: str = "document.readyState === 'complete'", settle: float = 1.0) -> Page:
        """Open a local file, wait until `ready` holds and events settle, evaluate the probes."""
        url = Path(path).resolve().as_uri()
        target = self._send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self._events = []
        for domain in ("Page", "Runtime", "Network", "Log"):
            self._send(f"{domain}.enable", {}, session)
        self._send("Emulation.setDeviceMetricsOverride",
                   {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False}, session)
        self._send("Page.navigate", {"url": url}, session)
        deadline = time.monotonic() + self.timeout
        while not self.evaluate(f"location.href === {json.dumps(url)} && ({ready})", session):
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not get ready ({ready}) within {self.timeout} s")
            self._pump(0.1)
        self._pump(settle)
        page = Page(url=url, values={name: self.evaluate(expr, session) for name, expr in (probes or {}).items()})
        if screenshot is not None:
            size = self._send("Page.getLayoutMetrics", {}, session)["cssContentSize"]
            self._send("Emulation.setDeviceMetricsOverride",
                       {"width": self.width, "height": min(int(size["height"]) + 1, 16000), "deviceScaleFactor": 1,
                        "mobile": False}, session)
            shot = self._send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session)
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
            page.screenshot = screenshot
        self._pump(0.1)
        self._collect(page, session, url)
        self._send("Target.closeTarget", {"targetId": target})
        return page

    def _collect(self, page: Page, session: str, url: str) -> None:
        for event in self._events:
            if event.get("sessionId") != session:
                continue
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled":
                text = " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
                page.console.append({"type": params.get("type"), "text": text})
            elif method == "Runtime.exceptionThrown":
                details = params.get("exceptionDetails", {})
                page.exceptions.append(details.get("exception", {}).get("description") or details.get("text", ""))
            elif method == "Log.entryAdded":
                entry = params.get("entry", {})
                page.log.append({k: entry.get(k, "") for k in ("level", "source", "text", "url")})
            elif method == "Page.javascriptDialogOpening":
                page.dialogs.append(params.get("message", ""))
            elif method == "Network.requestWillBeSent":
                requested = params.get("request", {}).get("url", "")
                if requested != url:
                    page.requests.append(requested[:200])
            elif method == "Page.frameNavigated":
                frame = params.get("frame", {})
                if frame.get("url") not in (url, "about:blank"):
                    page.navigations.append(frame.get("url"))
