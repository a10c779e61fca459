"""Salesforce API calls of an import by topic, from the emulator's call log; asserts nothing.

    python bench/import_calls.py [--records 5000]

One SQLite site with both Salesforce plugins, connected to the emulator over HTTP. The org
has ``--records`` Contacts with one topic; ``plughost salesforce_contacts import --topic``
brings them in, and the calls it made are counted per endpoint. From the Bulk threshold up
(2,000 by default) the topic's assignments are read through one Bulk query job and their
records looked up five thousand to a Composite call; below it, two calls per 200 records.
For 5,000 records: 7 calls, where two REST calls per 200 records would make 51.
"""

import argparse
import tempfile
from pathlib import Path

from connected_site import connected_site
from report import figure

import host.sync
from salesforce_emulator.testing import EmulatorHandle, running_emulator

BENCHMARK = "import by topic"
TOPIC = "Bench import"


def seed_records(emulator: EmulatorHandle, count: int) -> None:
    topic_id = emulator.admin.insert("Topic", Name=TOPIC)
    for number in range(count):
        record_id = emulator.admin.insert("Contact", Email=f"imported{number}@example.com", LastName=f"N{number}")
        emulator.admin.insert("TopicAssignment", EntityId=record_id, TopicId=topic_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000, help="Contacts with the topic")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, running_emulator() as emulator:
        app = connected_site(Path(folder), emulator)
        with app.app_context():
            host.sync.wait_until_drained(60)
        seed_records(emulator, arguments.records)
        emulator.admin.clear_calls()

        result = app.test_cli_runner().invoke(args=["salesforce_contacts", "import", "--topic", TOPIC])

        counts = emulator.admin.call_counts()
        total = sum(counts.values())
        print(f"An import of {arguments.records} Contacts by topic: {result.output.strip().splitlines()[-1]}")
        for endpoint, count in sorted(counts.items()):
            print(f"   {count:5}  {endpoint}")
        print(f"   {total:5}  API calls in all")
        figure(BENCHMARK, f"API calls, {arguments.records} records", total, "calls")
        host.sync.stop(app)


if __name__ == "__main__":
    main()
