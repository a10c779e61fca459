"""``python -m host.sync worker|backfill``: the sync commands on a site built from the environment."""

from flask.cli import FlaskGroup

from host.sync.cli import sync_cli
from host.sync.worker_app import create_worker_app

cli = FlaskGroup(
    name="python -m host.sync",
    help=sync_cli.help,
    create_app=create_worker_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
)
for command in sync_cli.commands.values():
    cli.add_command(command)

if __name__ == "__main__":
    cli.main()
