"""Serving the app with werkzeug: threaded, HTTP/1.1 keep-alive, optionally over TLS."""

import ssl
import tempfile
import threading
from pathlib import Path

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from .config import EmulatorConfig
from .tls import self_signed_certificate


class _KeepAliveHandler(WSGIRequestHandler):
    """HTTP/1.1 so clients reuse connections; the default HTTP/1.0 costs a TCP handshake per call."""

    protocol_version = "HTTP/1.1"

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
    server = make_server(config.host, config.port, app, threaded=True, request_handler=_KeepAliveHandler,
                         ssl_context=context)
    server.log_requests = log_requests  # type: ignore[attr-defined]
    return server, cert_path


def base_url(server: BaseWSGIServer, config: EmulatorConfig) -> str:
    host = "localhost" if config.host in ("0.0.0.0", "::") else config.host
    return f"{'https' if config.https else 'http'}://{host}:{server.server_port}"


def serve_in_thread(server: BaseWSGIServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="salesforce-emulator", daemon=True)
    thread.start()
    return thread
