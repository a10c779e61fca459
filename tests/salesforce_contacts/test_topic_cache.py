"""The topic cache when a refresh or another batch writes it while a batch is out."""

from typing import Any

import host.sync
from host.database import independent_transaction
from host.extensions import db
from host.sync.handlers import Entry
from plugins.salesforce_common import SalesforceClient
from plugins.salesforce_common.topics import Topic
from plugins.salesforce_contacts.delivery import BatchDelivery
from plugins.salesforce_contacts.handler import KIND
from plugins.salesforce_contacts.settings import Options, salesforce_config
from plugins.salesforce_contacts.topic_cache import TOPICS_KEY, TopicCache


def _stored(*topics: Topic) -> dict[str, Any]:
    return {topic.name.casefold(): {"id": topic.id, "name": topic.name} for topic in topics}


def test_a_batch_keeps_what_another_writer_stored_while_it_was_out(site):
    kept = Topic("0TO000000000001", "Kept")
    dropped = Topic("0TO000000000002", "Dropped")
    listed = Topic("0TO000000000003", "Listed")
    with site.writing():
        # Paused, so the batch below is the only one delivering the user.
        host.sync.pause(site.plugin, "the test delivers by hand")
        site.plugin.store.set(TOPICS_KEY, _stored(kept, dropped))
        db.session.commit()
    site.registration_tags("Members")
    user_id = site.register("cache@example.com")

    with site.app.app_context():
        client = SalesforceClient(salesforce_config(site.plugin.settings, site.plugin.store))
        entry = Entry(0, site.plugin.name, KIND, str(user_id), None, 0)
        with client:
            delivery = BatchDelivery(site.plugin.store, client, Options.of(site.plugin.settings), [entry])
            delivery.run()
            # "Refresh available topics" in another session: Dropped is gone from the org.
            with independent_transaction():
                refresh = TopicCache(site.plugin.store)
                refresh.replace([kept, listed])
                refresh.save()
            delivery.save()
        db.session.commit()

    assert site.topics_of(site.record("cache@example.com")["Id"]) == {"Members"}
    [created] = [topic for topic in site.records("Topic") if topic["Name"] == "Members"]
    with site.app.app_context():
        stored = site.plugin.store.get(TOPICS_KEY)
    assert stored == _stored(kept, listed, Topic(created["Id"], "Members"))
