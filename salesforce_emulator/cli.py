"""``python -m salesforce_emulator`` / ``plughost emulator``: start an emulated org and print its secrets."""

import argparse
import json
import sys
from collections.abc import Sequence

import click

from .app import create_app
from .config import EmulatorConfig
from .server import base_url, build_server


def parser() -> argparse.ArgumentParser:
    options = argparse.ArgumentParser(prog="salesforce-emulator", description="A Salesforce-compatible server.")
    options.add_argument("--config", help="JSON file with EmulatorConfig keys")
    options.add_argument("--host", help="interface to bind (default 127.0.0.1)")
    options.add_argument("--port", type=int, help="port (default 8443; 0 picks a free one)")
    options.add_argument("--https", action="store_true", default=None, help="serve TLS with a self-signed certificate")
    options.add_argument("--cert-dir", help="where the certificate is written and reused")
    options.add_argument("--database", help="SQLite file keeping the org across restarts (default: memory)")
    options.add_argument("--admin-token", help="token for /_emulator (default: random)")
    options.add_argument("--api-limit", type=int, help="daily API request limit")
    options.add_argument("--access-token-seconds", type=int, help="access token lifetime (default 7200)")
    options.add_argument("--callback-url", action="append", help="Connected App callback URL (repeatable)")
    options.add_argument("--latency-ms", type=int, help="added latency per REST call")
    options.add_argument("--error-rate", type=float, help="fraction of REST calls answered 503")
    options.add_argument("--log-requests", action="store_true", help="log every request")
    return options


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    overrides = {
        key: value
        for key, value in {
            "host": args.host,
            "port": args.port,
            "https": args.https,
            "cert_dir": args.cert_dir,
            "database": args.database,
            "admin_token": args.admin_token,
            "api_limit": args.api_limit,
            "access_token_seconds": args.access_token_seconds,
            "latency_ms": args.latency_ms,
            "error_rate": args.error_rate,
        }.items()
        if value is not None
    }
    config = EmulatorConfig.from_file(args.config, **overrides) if args.config else EmulatorConfig.from_dict(overrides)
    if args.callback_url:
        config.connected_apps[0].callback_urls = list(args.callback_url)
    return config


def describe(config: EmulatorConfig, url: str) -> str:
    app = config.connected_apps[0]
    user = config.users[0]
    return json.dumps(
        {
            "login_url": url,
            "instance_url": url,
            "username": user.username,
            "password": user.password,
            "consumer_key": app.consumer_key,
            "consumer_secret": app.consumer_secret,
            "callback_urls": app.callback_urls,
            "admin_token": config.admin_token,
            "org_id": config.org_id,
        },
        indent=2,
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    config = config_from_args(args)
    app = create_app(config)
    server, cert_path = build_server(app, config, log_requests=args.log_requests)
    url = base_url(server, config)
    app.extensions["salesforce_emulator"].base_url = url
    print(f"Salesforce emulator listening on {url}", flush=True)
    print(describe(config, url), flush=True)
    if cert_path:
        print(f"Self-signed certificate: {cert_path}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.extensions["salesforce_emulator"].close()
    return 0


@click.command(
    "emulator",
    context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False},
    add_help_option=False,
)
@click.argument("arguments", nargs=-1, type=click.UNPROCESSED)
def command(arguments: tuple[str, ...]) -> None:
    """Start an emulated Salesforce org (``plughost emulator --help`` for its options)."""
    sys.exit(main(arguments))


if __name__ == "__main__":
    sys.exit(main())
