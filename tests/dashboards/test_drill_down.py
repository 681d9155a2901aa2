"""Drill-down: every link of a figure leads to a list showing exactly the rows it counts (staff on
their province, the admin on the nation); officials and coordinators get no link to any list."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.dashboards.world import build_world

pytestmark = pytest.mark.django_db

LISTS = ("/beneficiaries/", "/projects/", "/disbursements/")
# A figure's link in the page: <a href="/projects/?province=…&status=approved">1</a>
LINK = re.compile(r'<a href="(?P<href>/(?:beneficiaries|projects|disbursements)/[^"]*)">(?P<text>[^<]*)</a>')


@pytest.fixture
def world(khemisset_staff, admin_user):
    return build_world(khemisset_staff, admin_user)


def figure_links(html: str) -> list[tuple[str, int]]:
    """(list URL, number shown) of every figure that links to a list (menu links carry no number)."""
    links = []
    for match in LINK.finditer(html):
        text = unescape(match["text"]).replace("\u202f", "").replace("\xa0", "").replace(" ", "").strip()
        if text.isdigit() and "?" in match["href"]:
            links.append((unescape(match["href"]), int(text)))
    return links


def listed(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.context["page"].paginator.count


def follow_every_link(client, dashboard: str, **params) -> list[str]:
    html = client.get(dashboard, params).content.decode()
    links = figure_links(html)
    assert links, "the dashboard links its figures to lists"
    for url, shown in links:
        assert listed(client, url) == shown, url
    return [url for url, _ in links]


def test_staff_follow_each_figure_to_a_list_of_exactly_its_rows(world, client_for, khemisset_staff):
    urls = follow_every_link(client_for(khemisset_staff), "/dashboards/province/04.291/")
    paths = {urlsplit(url).path for url in urls}
    assert paths == {"/beneficiaries/", "/projects/", "/disbursements/handovers/"}
    kinds = {tuple(sorted(parse_qs(urlsplit(url).query))) for url in urls}
    assert ("province", "status") in kinds and ("province", "sex") in kinds and ("age_band", "province") in kinds
    assert ("province", "sector") in kinds
    planned = [url for url in urls if "date_from" in url]
    assert len(planned) == 1  # January's planned handover
    query = parse_qs(urlsplit(planned[0]).query)
    assert query["status"] == ["planned"]
    assert query["province"] == [str(world.projects["P4"].province_id)]


def test_the_links_carry_the_dashboards_filters(world, client_for, khemisset_staff):
    ck = world.conventions["CK"]
    urls = follow_every_link(client_for(khemisset_staff), "/dashboards/province/04.291/", convention=ck.pk)
    project_links = [url for url in urls if urlsplit(url).path == "/projects/"]
    assert project_links
    for url in project_links:
        assert parse_qs(urlsplit(url).query)["convention"] == [str(ck.pk)]
    # Sector filter: the projects of that sector; the handovers list has no sector filter, so no link.
    urls = follow_every_link(client_for(khemisset_staff), "/dashboards/province/04.291/", sector="repair")
    assert not [url for url in urls if "date_from" in url]


def test_the_admin_follows_the_national_figures(world, client_for, admin_user):
    urls = follow_every_link(client_for(admin_user), "/dashboards/national/")
    assert all("province=" not in url for url in urls)


@pytest.mark.parametrize("persona", ["khemisset_official", "khemisset_indh"])
def test_officials_and_coordinators_get_no_link_to_a_list(world, request, client_for, persona):
    html = client_for(request.getfixturevalue(persona)).get("/dashboards/province/04.291/").content.decode()
    assert figure_links(html) == []
    assert not re.search(r'<a href="/(beneficiaries|projects|disbursements)/[^"]*\?', html)


def test_a_region_dashboard_links_no_figure_to_a_list(world, client_for, admin_user):
    html = client_for(admin_user).get("/dashboards/region/04/").content.decode()
    assert figure_links(html) == []
