"""Serving the app with werkzeug's server, threaded, optionally over TLS, with keep-alive.

Werkzeug's development handler closes every connection, so each call would pay a TCP
(and TLS) handshake. Our handler reads the whole request body before calling the app and
writes the whole response with a Content-Length, so the next request on the connection
always starts on a clean boundary and the connection can stay open, as Salesforce's does.
"""

import io
import ssl
import tempfile
import threading
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .config import EmulatorConfig
from .tls import self_signed_certificate


class _KeepAliveHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"

    def run_wsgi(self) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            super().run_wsgi()
            return
        environ = self.make_environ()
        length = int(self.headers.get("Content-Length") or 0)
        environ["wsgi.input"] = io.BytesIO(self.rfile.read(length) if length else b"")
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return lambda data: None

        result = self.server.app(environ, start_response)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        status, headers = started
        lines = [f"HTTP/1.1 {status}"]
        names = set()
        for name, value in headers:
            lines.append(f"{name}: {value}")
            names.add(name.lower())
        code = int(status.split()[0])
        if "content-length" not in names and code not in (204, 304):
            lines.append(f"Content-Length: {len(body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + (b"" if environ["REQUEST_METHOD"] == "HEAD" else body))
        self.log_request(code, len(body))

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.server.log_requests:  # type: ignore[attr-defined]
            super().log_request(code, size)


def build_server(app: Flask, config: EmulatorConfig, log_requests: bool = False) -> tuple[BaseWSGIServer, Path | None]:
    """A server bound to config.host/port (port 0 picks a free one) and the certificate it uses."""
    context = None
    cert_path = None
    if config.https:
        directory = config.cert_dir or tempfile.mkdtemp(prefix="sf-emulator-tls-")
        cert_path, key_path = self_signed_certificate(directory)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_path, key_path)
    server = make_server(
        config.host, config.port, app, threaded=True, request_handler=_KeepAliveHandler, ssl_context=context
    )
    server.log_requests = log_requests  # type: ignore[attr-defined]
    return server, cert_path


def base_url(server: BaseWSGIServer, config: EmulatorConfig) -> str:
    host = "localhost" if config.host in ("0.0.0.0", "::") else config.host
    return f"{'https' if config.https else 'http'}://{host}:{server.server_port}"


def serve_in_thread(server: BaseWSGIServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="salesforce-emulator", daemon=True)
    thread.start()
    return thread
