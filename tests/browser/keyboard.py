"""Moving through a page with the keyboard alone, as a person without a mouse does."""

MAX_TABS = 200


def focused(page):
    return page.evaluate(
        "(() => { const e = document.activeElement;"
        " return e ? (e.id || e.getAttribute('name') || e.textContent.trim()) : null; })()"
    )


def tab_to(page, selector):
    """Press Tab until the element matching ``selector`` has the focus."""
    target = page.locator(selector)
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}; last focus was {focused(page)!r}")
