"""The admin's pages: users and their tags, affiliates, tags, site settings, and sign-up."""

import pytest
from logged_errors import assert_logged_sentence
from sample_plugins import Showcase

from host.extensions import db
from host.models import Affiliate, AffiliateStatus, Tag, User
from host.plugins import registry
from host.services.affiliates import create_affiliate
from host.services.tags import create_tag


@pytest.fixture
def site(make_app, make_user):
    app = make_app(Showcase())
    owner = make_user(app, admin=True, email="owner@example.com", first_name="Olive", last_name="Owner")
    return app, owner


@pytest.fixture
def admin(site, log_in):
    app, owner = site
    return log_in(app.test_client(), owner)


def tags_of(app, email: str) -> set[str]:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        return {tag.name for tag in user.tags}


def test_users_are_listed_searched_and_tagged_in_bulk(site, admin, make_user):
    app, _owner = site
    ids = [make_user(app, email=f"{name}@example.com", first_name=name.title()) for name in ("ann", "bob", "cyd")]
    with app.app_context():
        vip = create_tag("vip")
        db.session.commit()
        vip_id = vip.id

    listed = admin.get("/admin/users/").text
    assert all(f"{name}@example.com" in listed for name in ("ann", "bob", "cyd", "owner"))
    found = admin.get("/admin/users/?q=bob").text
    assert "bob@example.com" in found and "ann@example.com" not in found

    applied = admin.post(
        "/admin/users/tags", data={"user_ids": ids[:2], "tag_id": vip_id, "action": "add", "next": "/admin/users/?q=b"}
    )
    assert applied.location == "/admin/users/?q=b"
    assert tags_of(app, "ann@example.com") == tags_of(app, "bob@example.com") == {"vip"}
    assert tags_of(app, "cyd@example.com") == set()

    admin.post(f"/admin/users/{ids[0]}/tags", data={"tag_id": vip_id, "action": "remove"})
    assert tags_of(app, "ann@example.com") == set()
    refused = admin.post(
        "/admin/users/tags", data={"user_ids": ids, "tag_id": vip_id, "action": "add", "next": "https://evil.example/"}
    )
    assert refused.location == "/admin/users/"


def test_taking_a_tag_off_users_in_bulk_asks_first_naming_how_many_lose_it(site, admin, make_user):
    app, _owner = site
    ids = [make_user(app, email=f"{name}@example.com", first_name=name.title()) for name in ("ann", "bob", "cyd")]
    with app.app_context():
        vip_id = create_tag("vip").id
        db.session.commit()
    admin.post("/admin/users/tags", data={"user_ids": ids[:2], "tag_id": vip_id, "action": "add"})
    removal = {"user_ids": ids, "tag_id": vip_id, "action": "remove", "next": "/admin/users/?q=example"}

    asked = admin.post("/admin/users/tags", data=removal)
    assert asked.status_code == 200
    assert "Remove the tag vip from 2 users?" in asked.text, "only the users who have the tag are counted"
    assert "Ann " in asked.text and "(ann@example.com)" in asked.text and "cyd@example.com" not in asked.text
    assert 'href="/admin/users/?q=example">No, go back</a>' in asked.text
    assert tags_of(app, "ann@example.com") == tags_of(app, "bob@example.com") == {"vip"}, "asking changes nothing"

    confirmed = admin.post("/admin/users/tags", data={**removal, "user_ids": ids[:2], "confirmed": "yes"})
    assert confirmed.location == "/admin/users/?q=example"
    assert tags_of(app, "ann@example.com") == tags_of(app, "bob@example.com") == set()
    nothing_to_take = admin.post("/admin/users/tags", data=removal)
    assert nothing_to_take.status_code == 302, "with no user to lose the tag there is nothing to ask"


def test_an_admin_edits_and_deletes_a_user(site, admin, make_user):
    app, _owner = site
    user_id = make_user(app, email="jane@example.com", first_name="Jane", last_name="Doe")
    edited = admin.post(
        f"/admin/users/{user_id}",
        data={"first_name": "Jane", "last_name": "Roe", "email": "jane@example.com", "role": "subscriber"},
        follow_redirects=True,
    )
    assert "The user is saved." in edited.text
    assert admin.post(f"/admin/users/{user_id}/delete", follow_redirects=True).status_code == 200
    with app.app_context():
        assert db.session.get(User, user_id) is None


def test_affiliates_are_created_searched_edited_and_deleted(site, admin):
    app, owner = site
    fields = {
        "first_name": "Al",
        "last_name": "Fil",
        "email": "al@example.com",
        "company": "Acme",
        "country": "FR",
        "website": "https://acme.example",
        "status": "active",
        "manager_id": str(owner),
        "notes": "met at a fair",
    }
    created = admin.post("/admin/affiliates/new", data=fields, follow_redirects=True)
    assert "Al Fil was added." in created.text and "Olive Owner" in created.text
    admin.post(
        "/admin/affiliates/new", data={**fields, "first_name": "Bo", "email": "bo@example.com", "company": "Zeta"}
    )

    found = admin.get("/admin/affiliates/?q=acme").text
    assert "al@example.com" in found and "bo@example.com" not in found

    with app.app_context():
        affiliate_id = db.session.scalar(db.select(Affiliate.id).where(Affiliate.email == "al@example.com"))
    admin.post(f"/admin/affiliates/{affiliate_id}/edit", data={**fields, "status": "suspended"})
    with app.app_context():
        assert db.session.get(Affiliate, affiliate_id).status is AffiliateStatus.SUSPENDED
    admin.post(f"/admin/affiliates/{affiliate_id}/delete")
    assert "al@example.com" not in admin.get("/admin/affiliates/").text


def test_tags_are_created_counted_and_deleted(site, admin):
    app, _owner = site
    admin.post("/admin/tags/", data={"name": "vip"})
    assert "already" in admin.post("/admin/tags/", data={"name": "VIP"}).text.lower()
    with app.app_context():
        tag_id = db.session.scalar(db.select(Tag.id).where(Tag.name == "vip"))
    admin.post(f"/admin/tags/{tag_id}/delete")
    with app.app_context():
        assert db.session.get(Tag, tag_id) is None


def test_site_settings_open_affiliate_sign_up_and_choose_registration_tags(site, admin):
    app, _owner = site
    visitor = app.test_client()
    assert visitor.get("/affiliates/join").status_code == 404, "affiliate sign-up is off by default"
    admin.post("/admin/tags/", data={"name": "newcomer"})
    with app.app_context():
        tag_id = db.session.scalar(db.select(Tag.id))

    admin.post(
        "/admin/settings/", data={"registration_open": "y", "affiliate_signup_open": "y", "registration_tags": [tag_id]}
    )
    applied = visitor.post(
        "/affiliates/join", data={"first_name": "Ann", "last_name": "Plier", "email": "ann@example.com"}
    )
    assert "Thank you" in applied.text
    with app.app_context():
        assert (
            db.session.scalar(db.select(Affiliate).where(Affiliate.email == "ann@example.com")).status
            is AffiliateStatus.ON_MODERATION
        )
        assert db.session.get(Tag, tag_id).apply_on_registration

    admin.post("/admin/settings/", data={"registration_open": "y"})
    assert visitor.get("/affiliates/join").status_code == 404
    with app.app_context():
        assert not db.session.get(Tag, tag_id).apply_on_registration


def test_custom_fields_appear_on_the_forms(site, admin):
    admin.post(
        "/admin/settings/custom-fields", data={"owner": "affiliate", "label": "Traffic source", "key": "traffic_source"}
    )
    assert "Traffic source" in admin.get("/admin/affiliates/new").text
    settings = admin.get("/admin/settings/").text
    assert "Remove the field Traffic source (traffic_source)?" in settings
    assert "the values already entered are kept" in settings
    assert (
        "lower-case"
        in admin.post("/admin/settings/custom-fields", data={"owner": "user", "label": "X", "key": "Bad Key"}).text
    )


def test_hook_user_admin_panels(site, admin, make_user):
    app, _owner = site
    user_id = make_user(app, email="jane@example.com")
    with app.app_context():
        registry.enable("showcase")
        db.session.commit()
    assert '<p class="showcase-panel">Showcase sees jane@example.com.</p>' in admin.get(f"/admin/users/{user_id}").text


def test_hook_affiliate_admin_panels(site, admin, caplog):
    app, _owner = site
    with app.app_context():
        registry.enable("showcase")
        db.session.commit()
    page = admin.post(
        "/admin/affiliates/new",
        data={"first_name": "Al", "last_name": "Fil", "email": "al@example.com", "status": "active", "manager_id": ""},
        follow_redirects=True,
    ).text
    assert "Showcase sees al@example.com." in page
    with app.app_context():
        shown = registry.state_of("showcase").last_error
    assert_logged_sentence(shown, caplog.text, "UndefinedError: 'missing' is undefined")


def test_hook_delete_consequences(site, admin, make_user):
    app, _owner = site
    user_id = make_user(app, email="jane@example.com", first_name="Jane", last_name="Doe")
    with app.app_context():
        affiliate_id = create_affiliate(first_name="Al", last_name="Fil", email="al@example.com").id
        db.session.commit()
    assert "Showcase forgets" not in admin.get(f"/admin/users/{user_id}").text, "a disabled plugin is not asked"
    with app.app_context():
        registry.enable("showcase")
        db.session.commit()
    question = admin.get(f"/admin/users/{user_id}").text.split('role="alertdialog"', 1)[1].split("</form>", 1)[0]
    assert "Delete Jane Doe (jane@example.com)?" in question
    assert "cannot be restored. Showcase forgets jane@example.com." in question
    assert "Showcase forgets" not in admin.get(f"/admin/affiliates/{affiliate_id}").text, "None says nothing"
    with app.app_context():
        assert db.session.get(User, user_id) is not None, "asking deletes nothing"


def test_affiliates_waiting_for_moderation_are_approved_or_rejected(site, admin):
    app, _owner = site
    with app.app_context():
        ids = [
            create_affiliate(first_name=name, last_name="Applicant", email=f"{name}@example.com").id
            for name in ("ann", "bob")
        ]
        db.session.commit()

    waiting = admin.get("/admin/affiliates/?status=on_moderation").text
    assert "ann@example.com" in waiting and "Approve" in waiting and "Reject" in waiting
    approved = admin.post(
        f"/admin/affiliates/{ids[0]}/approve", data={"next": "/admin/affiliates/?status=on_moderation"}
    )
    assert approved.location == "/admin/affiliates/?status=on_moderation"
    rejected = admin.post(f"/admin/affiliates/{ids[1]}/reject", follow_redirects=True)
    assert "bob Applicant was rejected and is suspended." in rejected.text
    with app.app_context():
        statuses = [db.session.get(Affiliate, affiliate_id).status for affiliate_id in ids]
    assert statuses == [AffiliateStatus.ACTIVE, AffiliateStatus.SUSPENDED]
    assert "ann@example.com" not in admin.get("/admin/affiliates/?status=on_moderation").text
    assert admin.post(f"/admin/affiliates/{ids[0]}/promote").status_code == 404
    assert admin.get("/admin/affiliates/?status=bogus").status_code == 200


def test_two_affiliates_cannot_share_an_email_address(site, admin):
    app, _owner = site
    fields = {"first_name": "Al", "last_name": "Fil", "email": "al@example.com", "status": "active"}
    assert admin.post("/admin/affiliates/new", data=fields).status_code == 302
    again = admin.post("/admin/affiliates/new", data={**fields, "email": "AL@Example.com"})
    assert again.status_code == 200 and "Another affiliate already has this email address." in again.text

    other = {**fields, "first_name": "Bo", "email": "bo@example.com"}
    admin.post("/admin/affiliates/new", data=other)
    with app.app_context():
        bo = db.session.scalar(db.select(Affiliate).where(Affiliate.email == "bo@example.com"))
    taken = admin.post(f"/admin/affiliates/{bo.id}/edit", data={**other, "email": "al@example.com"})
    assert "Another affiliate already has this email address." in taken.text
    assert admin.post(f"/admin/affiliates/{bo.id}/edit", data={**other, "company": "Acme"}).status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Affiliate)) == 2


def test_users_are_filtered_by_role_and_tag(site, admin, make_user):
    app, _owner = site
    ann = make_user(app, email="ann@example.com", first_name="Ann")
    make_user(app, email="bob@example.com", first_name="Bob")
    with app.app_context():
        vip = create_tag("vip")
        db.session.flush()
        user = db.session.get(User, ann)
        user.tags.add(vip)
        db.session.commit()
        vip_id = vip.id

    admins = admin.get("/admin/users/?role=admin").text
    assert "owner@example.com" in admins and "ann@example.com" not in admins
    tagged = admin.get(f"/admin/users/?tag={vip_id}").text
    assert "ann@example.com" in tagged and "bob@example.com" not in tagged
    assert "No user matches." in admin.get(f"/admin/users/?tag={vip_id}&role=admin").text
    for nonsense in ("?role=emperor", "?tag=99999999999999999999", "?tag=-1", "?page=99999999999999999999"):
        page = admin.get(f"/admin/users/{nonsense}")
        assert page.status_code == 200, nonsense


def test_an_admin_adds_a_user_by_hand(site, admin):
    app, _owner = site
    assert "Add the user" in admin.get("/admin/users/new").text
    fields = {
        "first_name": "Nia",
        "last_name": "New",
        "email": "nia@example.com",
        "role": "subscriber",
        "password": "a long first password",
        "password_confirm": "a long first password",
    }
    added = admin.post("/admin/users/new", data=fields, follow_redirects=True)
    assert "Nia New was added." in added.text
    again = admin.post("/admin/users/new", data={**fields, "email": "NIA@example.com"})
    assert again.status_code == 200 and "An account with this email address already exists." in again.text
    short = admin.post("/admin/users/new", data={**fields, "email": "nib@example.com", "password_confirm": "x"})
    assert "The passwords differ." in short.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User).where(User.email.like("ni%"))) == 1


def test_hook_user_list_columns(site, admin, make_user):
    app, _owner = site
    make_user(app, email="ann@example.com", first_name="Ann")
    make_user(app, email="bob@elsewhere.org", first_name="Bob")
    assert "<th>Showcase</th>" not in admin.get("/admin/users/").text, "a disabled plugin adds no column"
    with app.app_context():
        registry.enable("showcase")
        db.session.commit()
    listed = admin.get("/admin/users/").text
    assert "<th>Showcase</th>" in listed
    bob_row = next(row for row in listed.split("<tr>") if "bob@elsewhere.org" in row)
    ann_row = next(row for row in listed.split("<tr>") if "ann@example.com" in row)
    assert '<span class="badge badge-ok">Linked</span>' in ann_row and 'title="SC-' in ann_row
    assert "Linked" not in bob_row and "—" in bob_row


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/users/", "/admin/users/new", "/admin/affiliates/", "/admin/tags/", "/admin/settings/"]
)
def test_admin_page_titles_are_plain_text(site, admin, path):
    page = admin.get(path)
    assert page.status_code == 200, path
    title = page.text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and title.strip(), title
