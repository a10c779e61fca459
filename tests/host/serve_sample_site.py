"""Serve the site with the sample plugins: the second process of cross-process tests.

Usage: ``python serve_sample_site.py PORT`` with the application's configuration as
JSON in ``PLUGHOST_TEST_CONFIG`` and its instance folder in ``PLUGHOST_INSTANCE_PATH``.
"""

import json
import os
import sys

from sample_plugins import Showcase
from werkzeug.serving import make_server

from host import create_app


def main() -> None:
    app = create_app(json.loads(os.environ["PLUGHOST_TEST_CONFIG"]), plugins=[Showcase()])
    make_server("127.0.0.1", int(sys.argv[1]), app, threaded=True).serve_forever()


if __name__ == "__main__":
    main()
