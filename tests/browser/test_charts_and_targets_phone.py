"""The programme's pages read on a phone (360 × 740) with the demo data: the charts of the
indicators and of the budget keep their text readable and scroll sideways in a shaded frame
instead of shrinking, and the small controls — an indicator's « Définition », an alert's close
button, a link in a table's cell — are a finger's size. At 1280 × 800 the same pages look as
they did: the charts fill their card, the controls keep their size. Screenshots in
tests/artifacts/."""

import pytest
from django.core.management import call_command

from programme.demo_data import DEMO_PASSWORD
from tests.browser.conftest import PHONE, browsing, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {**PHONE, "viewport": {"width": 360, "height": 740}}
LAPTOP = {"viewport": {"width": 1280, "height": 800}}

CHART_PAGES = [("indicators", "/indicateurs/"), ("budget", "/gestion/budget/")]

# Per chart of the page: the height of its smallest text on the screen, its frame's width and
# the drawing's, and whether the frame shows the tables' shade.
CHARTS = """() => [...document.querySelectorAll('figure.chart')].map(figure => {
  const svg = figure.querySelector('svg');
  const frame = svg.parentElement;
  return {
    title: svg.querySelector('title').textContent,
    text: Math.min(...[...svg.querySelectorAll('text')].map(t => t.getBoundingClientRect().height)),
    frame: frame.clientWidth,
    drawing: svg.getBoundingClientRect().width,
    scrolls: frame.scrollWidth > frame.clientWidth && getComputedStyle(frame).overflowX === 'auto',
    shade: getComputedStyle(frame).backgroundImage.includes('gradient'),
  };
})"""


@pytest.fixture(autouse=True)
def demo() -> None:
    call_command("seed_demo", "--if-empty", verbosity=0)


def height(page, selector: str) -> float:
    return page.locator(selector).first.bounding_box()["height"]


def test_the_charts_keep_their_text_readable_and_scroll_in_a_shaded_frame_on_a_phone(
    browser, live_server
) -> None:
    with browsing(browser, live_server, SMALL_PHONE) as page:
        log_in(page, "admin@demo.test", DEMO_PASSWORD)
        for name, url in CHART_PAGES:
            page.goto(url)
            charts = page.evaluate(CHARTS)
            assert len(charts) >= 3, name
            for chart in charts:
                assert chart["text"] >= 10, chart
                assert chart["shade"], chart
                if chart["drawing"] > chart["frame"] + 1:
                    assert chart["scrolls"], chart
            assert any(chart["scrolls"] for chart in charts), name
            # The page itself does not scroll sideways: only the charts' frames do.
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            screenshot(page, f"phone-admin-{name}-charts")


# Per chart frame that scrolls: whether its columns are in time order, how far it is from its
# right end, and whether the keyboard can reach it.
FRAMES = """() => [...document.querySelectorAll('.chart-scroll')]
  .filter(frame => frame.scrollWidth > frame.clientWidth)
  .map(frame => ({
    title: frame.querySelector('title').textContent,
    inTime: frame.hasAttribute('data-latest-right'),
    fromLeft: frame.scrollLeft,
    fromRight: frame.scrollWidth - frame.clientWidth - frame.scrollLeft,
    focusable: frame.getAttribute('tabindex') === '0',
  }))"""


def test_a_chart_in_time_opens_on_its_latest_quarters_on_a_phone(browser, live_server) -> None:
    """The quarters' charts scroll on a phone: they open on the latest quarters, on the right,
    and the others (professions, pathways…) at their start; each frame is reached by the
    keyboard, whose arrows scroll it."""
    with browsing(browser, live_server, SMALL_PHONE) as page:
        log_in(page, "admin@demo.test", DEMO_PASSWORD)
        seen_in_time = 0
        for name, url in CHART_PAGES:
            page.goto(url)
            for frame in page.evaluate(FRAMES):
                assert frame["focusable"], frame
                if frame["inTime"]:
                    seen_in_time += 1
                    assert frame["fromRight"] <= 1, frame
                else:
                    assert frame["fromLeft"] == 0, frame
            screenshot(page, f"phone-admin-{name}-latest-quarters")
        assert seen_in_time >= 2  # the indicators' quarters and the budget's


def test_definitions_alert_close_and_table_links_are_a_fingers_size_on_a_phone(
    browser, live_server
) -> None:
    with browsing(browser, live_server, SMALL_PHONE) as page:
        log_in(page, "coordinatrice@demo.test", DEMO_PASSWORD)
        # The page after logging in says so in an alert.
        assert height(page, ".alert-close") >= 44
        page.goto("/")
        row = page.locator("tbody tr").first
        before = row.bounding_box()["height"]
        for link in row.locator("td a:not(.btn, .badge)").all():
            assert link.bounding_box()["height"] >= 40, link.inner_text()
        # The larger tap area takes no room: the row is as tall as without it.
        assert row.bounding_box()["height"] == before
        page.goto("/indicateurs/")
        assert height(page, ".indicator-definition summary") >= 40
        page.locator(".indicator-definition summary").first.click()
        assert page.locator(".indicator-definition[open] p").first.is_visible()
        screenshot(page, "phone-coordinator-indicators")


def test_the_desktop_keeps_its_charts_and_controls(browser, live_server) -> None:
    with browsing(browser, live_server, LAPTOP) as page:
        log_in(page, "admin@demo.test", DEMO_PASSWORD)
        assert height(page, ".alert-close") == 28
        for _name, url in CHART_PAGES:
            page.goto(url)
            for chart in page.evaluate(CHARTS):
                assert abs(chart["drawing"] - chart["frame"]) <= 1, chart
                assert not chart["scrolls"], chart
        page.goto("/indicateurs/")
        assert height(page, ".indicator-definition summary") < 24
        screenshot(page, "desktop-admin-indicators")
        # The patients behind a figure: a name in a table's cell, a line high.
        with page.expect_navigation():
            page.locator("#followup_7d .indicator-value a").click()
        assert height(page, "tbody td a:not(.btn, .badge)") < 24
