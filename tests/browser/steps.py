"""Steps a person takes in the browser tests: sending a form, signing in."""

from __future__ import annotations

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_portal_browser import Browser, Page
from tests.conftest import PASSWORD


def submit(browser: Browser, button: WebElement, name: str, *, status: int = 0) -> Page:
    """Click a form's button and record the page it leads to, once the old one is gone (a
    mark set on the old document is absent from the new one)."""
    d = browser.driver
    d.execute_script("window.__before_submit = true")
    button.click()

    def left(driver: webdriver.Chrome) -> bool:
        try:
            return driver.execute_script("return window.__before_submit === undefined")
        except WebDriverException:  # between the two documents
            return False

    WebDriverWait(d, 30).until(left)
    return browser.record(name, status=status)


def sign_in(browser: Browser, root: str, username: str, password: str = PASSWORD) -> Page:
    """A fresh browser session (one host serves every site in development), then the form."""
    browser.driver.delete_all_cookies()
    browser.visit(f"login-{username[:12]}", f"{root}/login")
    d = browser.driver
    d.find_element(By.ID, "login").send_keys(username)
    d.find_element(By.ID, "password").send_keys(password)
    return submit(browser, d.find_element(By.CSS_SELECTOR, "main form button"), "signed-in")


def fill(browser: Browser, values: dict[str, str]) -> None:
    """Type into the fields with these ids."""
    for field_id, value in values.items():
        element = browser.driver.find_element(By.ID, field_id)
        element.clear()
        element.send_keys(value)
