"""The advisor page in a real browser (headless Chromium) on a real server.

What an extension agent does: fill the README's farm, read the ranked list
and the chart, make a mistake, switch language, use a phone, share the link.
"""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

ROOT = Path(__file__).parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
PHONE = {"width": 360, "height": 780}
RESULTS = '[data-testid="recommendations"] > [data-practice-id]'
CHART_LINES = '[data-testid="trajectory-chart"] svg polyline[data-method]'


def open_page(visit, path: str = "/", **viewport):
    seen = visit(**viewport) if viewport else visit()
    seen.page.goto(path)
    seen.page.wait_for_selector('#farm-form [name="climate_zone"]')
    return seen


def fill(page, farm: dict) -> None:
    """Type the farm into the form as a person would (select, tick, type)."""
    for name, value in farm.items():
        if isinstance(value, list):
            for item in value:
                page.check(f'#farm-form [name="{name}"][value="{item}"]')
            continue
        control = page.locator(f'#farm-form [name="{name}"]')
        if control.evaluate("node => node.tagName") == "SELECT":
            control.select_option(str(value))
        else:
            control.fill(str(value))


def submit(page) -> None:
    page.click("#farm-form .actions button")


def api_answer(base_url: str, farm: dict) -> dict:
    response = httpx.post(f"{base_url}/v1/recommendations", json=farm)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.slow
def test_the_readme_farm_gives_the_ranked_practices_and_the_chart(visit, base_url, farm):
    seen = open_page(visit)
    page = seen.page
    fill(page, farm)
    submit(page)
    page.wait_for_selector(RESULTS)
    expected = api_answer(base_url, farm)
    shown = page.locator(RESULTS).evaluate_all("items => items.map(item => item.dataset.practiceId)")
    assert shown == [r["practice_id"] for r in expected["recommendations"]]
    # The chart shows the first choice (the bundle): one line per method it has, named by the method.
    methods = page.locator(CHART_LINES).evaluate_all("lines => lines.map(line => line.dataset.method)")
    assert methods == [path["method"] for path in expected["bundle"]["trajectories"]]
    legend = page.locator('[data-testid="trajectory-chart"] .legend').inner_text()
    assert "4 per 1000 path" in legend and "capacity" in legend
    # Every gain on the page is the API's, its ranges written beside the bars.
    first = page.locator(RESULTS).first
    top = expected["recommendations"][0]
    assert f"{top['expected_gain_t_c_ha_yr']:.3g}" in first.locator(".gain").inner_text()
    assert first.locator(".bar-row").count() >= 2
    assert not seen.errors


@pytest.mark.slow
def test_a_bad_measured_stock_is_shown_next_to_its_field_and_the_form_is_kept(visit, farm):
    page = open_page(visit).page
    fill(page, {**farm, "soc_t_ha": -5})
    submit(page)
    error = page.locator('[data-error-for="soc_t_ha"]')
    error.wait_for(state="visible")
    assert "greater than or equal to 0.1" in error.inner_text()
    # The message sits in the stock's own block, and the input points to it.
    assert error.evaluate("node => node.closest('[data-field]').dataset.field") == "soc_t_ha"
    stock = page.locator('#farm-form [name="soc_t_ha"]')
    assert stock.get_attribute("aria-invalid") == "true"
    assert error.get_attribute("id") in stock.get_attribute("aria-describedby")
    # Nothing typed is lost.
    assert stock.input_value() == "-5"
    assert page.locator('#farm-form [name="climate_zone"]').input_value() == farm["climate_zone"]
    assert page.locator('#farm-form [name="farm_id"]').input_value() == farm["farm_id"]
    for practice in farm["current_practices"]:
        assert page.is_checked(f'#farm-form [name="current_practices"][value="{practice}"]')
    assert page.locator("#errors-summary").is_visible()
    assert page.locator(RESULTS).count() == 0


@pytest.mark.slow
def test_the_page_and_the_docs_make_no_request_to_another_host(visit, farm):
    seen = open_page(visit)
    page = seen.page
    fill(page, farm)
    submit(page)
    page.wait_for_selector(RESULTS)
    # The zone helper and the comparison call the API too.
    page.click("#climate-helper summary")
    page.fill('[name="mat_c"]', "15")
    page.fill('[name="map_mm"]', "900")
    page.click('#climate-helper button[type="submit"]')
    page.wait_for_function("document.querySelector('.zone-result').textContent.length > 0")
    page.check('#compare-form [data-set="0"][value="cover_crops"]')
    page.check('#compare-form [data-set="1"][value="compost"]')
    page.click('#compare-form button[type="submit"]')
    page.wait_for_selector('[data-testid="compare-chart"] svg')
    page.goto("/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    paths = {urlsplit(url).path for url in seen.requests}
    # The recorder saw the page's own requests, so an empty list below means something.
    assert {"/", "/openapi.json", "/v1/practices", "/v1/recommendations", "/v1/climate-zone", "/v1/scenarios",
            "/docs"} <= paths
    assert seen.foreign == []


@pytest.mark.slow
def test_a_phone_360_px_wide_needs_no_horizontal_scrolling(visit, farm):
    page = open_page(visit, **{"viewport": PHONE}).page
    fill(page, farm)
    submit(page)
    page.wait_for_selector(RESULTS)
    # Everything unfolded: helper, rationales, caveats, chart numbers.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.check('#compare-form [data-set="0"][value="cover_crops"]')
    page.check('#compare-form [data-set="3"][value="compost"]')
    page.click('#compare-form button[type="submit"]')
    page.wait_for_selector('[data-testid="compare-chart"] svg')
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.slow
def test_lang_fr_gives_french_labels_and_the_switcher_keeps_the_form(visit, farm):
    page = open_page(visit, "/?lang=fr").page
    assert page.evaluate("document.documentElement.lang") == "fr"
    assert page.inner_text('label[for="f-climate_zone"]').startswith("Zone climatique")
    assert page.inner_text("#farm-form .actions button") == "Recommander des pratiques"
    assert page.locator('#farm-form [name="land_use"] option[value="grassland"]').inner_text() == "Prairie"
    fill(page, farm)
    page.click('a[data-lang="es"]')
    page.wait_for_selector(RESULTS)
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.inner_text("#farm-form .actions button") == "Recomendar prácticas"
    assert page.locator('#farm-form [name="climate_zone"]').input_value() == farm["climate_zone"]


@pytest.mark.slow
def test_the_url_carries_the_form_and_a_shared_link_answers_at_once(visit, base_url, farm):
    page = open_page(visit).page
    fill(page, {**farm, "top_k": 3})
    submit(page)
    page.wait_for_selector(RESULTS)
    query = parse_qs(urlsplit(page.url).query)
    assert query["climate_zone"] == [farm["climate_zone"]]
    assert query["current_practices"] == farm["current_practices"]
    assert query["top_k"] == ["3"]
    shared = open_page(visit, page.url.removeprefix(base_url)).page
    shared.wait_for_selector(RESULTS)
    assert shared.locator(RESULTS).count() == 3
    assert shared.locator('#farm-form [name="area_ha"]').input_value() == str(farm["area_ha"])


@pytest.mark.slow
def test_the_zone_helper_fills_the_climate_zone(visit, base_url):
    page = open_page(visit).page
    page.click("#climate-helper summary")
    page.fill('[name="mat_c"]', "26")
    page.fill('[name="map_mm"]', "2500")
    page.fill('[name="elevation_m"]', "200")
    page.press('[name="elevation_m"]', "Enter")
    expected = httpx.get(f"{base_url}/v1/climate-zone",
                         params={"mat_c": 26, "map_mm": 2500, "elevation_m": 200}).json()["climate_zone"]
    page.wait_for_function(f"document.querySelector('#farm-form [name=climate_zone]').value === '{expected}'")
    assert "Tropical" in page.inner_text(".zone-result")


@pytest.mark.slow
def test_compare_shows_the_sets_side_by_side(visit, base_url, farm):
    page = open_page(visit).page
    fill(page, farm)
    page.check('#compare-form [data-set="0"][value="cover_crops"]')
    page.check('#compare-form [data-set="1"][value="cover_crops"]')
    page.check('#compare-form [data-set="1"][value="compost"]')
    page.click('#compare-form button[type="submit"]')
    page.wait_for_selector("[data-scenario]")
    expected = httpx.post(f"{base_url}/v1/scenarios",
                          json={**farm, "scenarios": [["cover_crops"], ["cover_crops", "compost"]]}).json()
    cards = page.locator("[data-scenario]")
    assert cards.count() == 2
    for index, result in enumerate(expected["scenarios"]):
        gain = result["outcome"]["expected_gain_t_c_ha_yr"]
        assert cards.nth(index).locator(".gain").inner_text() == f"{gain:.3g}"


def tab_to(page, selector: str, presses: int = 80) -> None:
    """Press Tab until ``selector`` has the focus (as a keyboard user moves)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.slow
def test_the_keyboard_alone_fills_and_submits_the_form(visit, farm):
    page = open_page(visit, f"/?climate_zone={farm['climate_zone']}&soil_texture={farm['soil_texture']}").page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    tab_to(page, '#farm-form [name="land_use"]')
    # A focused control is visibly outlined.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("ArrowDown")
    assert page.locator('#farm-form [name="land_use"]').input_value() != ""
    tab_to(page, '#farm-form [name="area_ha"]')
    page.keyboard.type("3")
    page.keyboard.press("Enter")
    page.wait_for_selector(RESULTS)
    assert parse_qs(urlsplit(page.url).query)["area_ha"] == ["3"]
    # The focus moves to the results, for a screen reader to read them next.
    assert page.evaluate("document.activeElement.id") == "results"


def axe_violations(page) -> list[dict]:
    """axe-core's violations of the page, the engine injected from an installed package (no network)."""
    from axe_playwright_python.base import AXE_FILE_PATH

    page.add_script_tag(content=AXE_FILE_PATH.read_text(encoding="utf-8"))
    return page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")


@pytest.mark.slow
def test_axe_finds_no_serious_accessibility_violation(visit, farm):
    page = open_page(visit).page
    fill(page, farm)
    submit(page)
    page.wait_for_selector(RESULTS)
    # Everything a user can open, open: the helper, rationales, caveats, the chart's numbers, a comparison.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    page.check('#compare-form [data-set="0"][value="cover_crops"]')
    page.check('#compare-form [data-set="1"][value="compost"]')
    page.click('#compare-form button[type="submit"]')
    page.wait_for_selector('[data-testid="compare-chart"] svg')
    serious = [f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes']][:5]}"
               for v in axe_violations(page) if v["impact"] in ("serious", "critical")]
    assert serious == []
    # The engine did run: an invalid field makes it find something.
    fill(page, {"soc_t_ha": -5})
    submit(page)
    page.locator('[data-error-for="soc_t_ha"]').wait_for(state="visible")
    page.evaluate("document.querySelector('#f-soc_t_ha').removeAttribute('id')")
    assert any(v["id"] == "label" for v in axe_violations(page))


@pytest.mark.slow
def test_screenshots_for_the_readme(visit, farm):
    """Desktop (1280 wide) and phone (360 wide), written to docs/screenshots for the README."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    desktop = open_page(visit, "/?" + "&".join(f"{k}={v}" for k, v in farm.items() if not isinstance(v, list))
                        + "".join(f"&current_practices={p}" for p in farm["current_practices"])).page
    desktop.wait_for_selector(CHART_LINES)
    desktop.screenshot(path=SCREENSHOTS / "advisor-desktop.png", clip={"x": 0, "y": 0, "width": 1280, "height": 1300},
                       full_page=True)
    phone = open_page(visit, desktop.url.removeprefix(desktop.url.split("/?")[0]), viewport=PHONE).page
    phone.wait_for_selector(CHART_LINES)
    top = phone.evaluate("document.querySelector('#results').getBoundingClientRect().top + scrollY")
    phone.screenshot(path=SCREENSHOTS / "advisor-phone.png", full_page=True,
                     clip={"x": 0, "y": top, "width": PHONE["width"], "height": 1400})
    for name in ("advisor-desktop.png", "advisor-phone.png"):
        assert (SCREENSHOTS / name).stat().st_size > 10_000
