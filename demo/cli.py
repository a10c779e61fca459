"""The ``plughost demo`` command."""

import tempfile
from pathlib import Path

import click
from werkzeug.serving import make_server

from demo.emulated_org import start_emulated_org
from demo.sample_site import (
    BUYER_EMAIL,
    OWNER_EMAIL,
    OWNER_PASSWORD,
    SHOP_ACCOUNT,
    USER_PASSWORD,
    add_sample_content,
    enter_connected_app,
    place_sample_order,
    stock_the_shop,
)
from host import create_app
from host.database import upgrade_database
from host.extensions import db
from host.sync import stop


@click.command()
@click.option("--port", default=5000, show_default=True, help="The site's port.")
@click.option("--emulator-port", default=5001, show_default=True, help="The emulated Salesforce org's port.")
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the demo site keeps its database (default: a temporary folder, removed on exit).",
)
def demo(port: int, emulator_port: int, folder: Path | None) -> None:
    """Run the site and an emulated Salesforce org together, with sample content."""
    with tempfile.TemporaryDirectory(prefix="plughost-demo-") as temporary:
        folder = folder or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / "demo.sqlite3"
        if database.exists():
            raise click.ClickException(f"{database} exists; give an empty --folder, the org starts empty each time")
        site_url = f"http://127.0.0.1:{port}"
        org = start_emulated_org(emulator_port, site_url)
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "PLUGHOST_EXTERNAL_URL": site_url},
            instance_path=str(folder / "instance"),
        )
        upgrade_database(app)
        with app.app_context():
            add_sample_content()
            enter_connected_app(org.url, org.connected_app.consumer_key, org.connected_app.consumer_secret)
            number = place_sample_order(stock_the_shop(), org.add_record("Account", Name=SHOP_ACCOUNT))
            db.session.commit()
        site = make_server("127.0.0.1", port, app, threaded=True)
        user = org.config.users[0]
        click.echo(
            f"""
Plughost demo
  Site                  {site_url}/login
    owner               {OWNER_EMAIL} / {OWNER_PASSWORD}
    sample users        grace@example.com, alan@example.com, katherine@example.com / {USER_PASSWORD}
  Salesforce (emulated) {org.url}/_emulator/ui/
    admin UI token      {org.config.admin_token}
    connected apps      {org.url}/_emulator/ui/connections
    Salesforce login    {user.username} / {user.password}

Enable both Salesforce plugins on the Marketplace, then press Connect to Salesforce
on their settings pages. Revoke or Expire sessions on the emulator's
Connected apps page shows how the site asks to reauthorize. Enable Shop there too
for {site_url}/shop/, where a sample user's order is paid at once. {BUYER_EMAIL}'s
paid order {number} is queued for Salesforce Contacts with her account: once the plugin
is connected it reaches the org as an Order with its items (the shop's admin Orders page
links it), billed to her Contact under the "{SHOP_ACCOUNT}" Account. Press Ctrl+C to stop.
"""
        )
        try:
            site.serve_forever()  # returns on Ctrl+C
        finally:
            stop(app)
            org.stop()
        click.echo("Stopped.")
