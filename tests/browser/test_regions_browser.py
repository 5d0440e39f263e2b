"""The region picker's enhancement in headless Chromium: the one server-rendered <select>
becomes a province → city → county cascade that sets the value the form posts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from themes import STATIC, build_environment

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()), reason="chromium is not installed"
)


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager never goes to the network
    profile = tmp_path_factory.mktemp("chromium")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    chrome = webdriver.Chrome(
        service=Service(str(CHROMEDRIVER), log_output=str(profile / "chromedriver.log")),
        options=options,
    )
    try:
        yield chrome
    finally:
        chrome.quit()


def open_form(driver: webdriver.Chrome, folder: Path, value: str, **picker: object) -> None:
    """A page holding just the picker, its script read from the theme's static folder."""
    args = ", ".join(f"{k}={v!r}" for k, v in picker.items())
    page = build_environment().from_string(
        '<!doctype html><meta charset="utf-8">'
        '{% from "_macros.html" import region_picker with context %}'
        '<form><label for="region_code">所在地区</label>'
        "{{ region_picker('region_code', value" + (", " + args if args else "") + ") }}</form>"
    )
    html = page.render(value=value).replace(
        "/static/region-picker.js", (STATIC / "region-picker.js").as_uri()
    )
    path = folder / "picker.html"
    path.write_text(html, encoding="utf-8")
    driver.get(path.as_uri())


def steps(driver: webdriver.Chrome) -> list[Select]:
    found = driver.find_elements(By.CSS_SELECTOR, ".region-cascade select")
    return [Select(s) for s in found if s.is_displayed()]


def posted(driver: webdriver.Chrome) -> str:
    return driver.execute_script("return document.querySelector('[name=region_code]').value")


def test_cascade_chooses_a_county_a_city_or_a_province(
    driver: webdriver.Chrome, tmp_path: Path
) -> None:
    open_form(driver, tmp_path, "", required=True)
    assert not driver.find_element(By.NAME, "region_code").is_displayed()
    assert driver.find_element(By.ID, "region_code").is_displayed()  # the label names step 1
    (province,) = steps(driver)
    province.select_by_visible_text("山东省")
    assert posted(driver) == "370000"
    steps(driver)[1].select_by_visible_text("济南市")
    assert posted(driver) == "370100"
    steps(driver)[2].select_by_visible_text("历下区")
    assert posted(driver) == "370102"
    steps(driver)[1].select_by_visible_text("—")  # back to the whole province
    assert posted(driver) == "370000" and len(steps(driver)) == 2
    steps(driver)[0].select_by_visible_text("北京市")  # a municipality: districts at once
    shown = steps(driver)
    assert len(shown) == 2 and "东城区" in [o.text for o in shown[1].options]
    assert driver.find_element(By.ID, "region_code").get_attribute("required")


def test_cascade_starts_from_the_value_and_honours_levels(
    driver: webdriver.Chrome, tmp_path: Path
) -> None:
    open_form(driver, tmp_path, "429004")
    shown = steps(driver)
    assert [s.first_selected_option.text for s in shown] == ["湖北省", "仙桃市"]
    assert posted(driver) == "429004"
    open_form(driver, tmp_path, "370102", levels=2)  # no counties: the value is not offered
    (province,) = steps(driver)
    province.select_by_visible_text("山东省")
    assert [o.text for o in steps(driver)[1].options][:3] == ["—", "济南市", "青岛市"]
    assert len(steps(driver)) == 2
