"""axe-core checks, run by evaluating the bundled script (works under our CSP)."""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = {"serious", "critical"}
_axe = Axe()
# Colours measured mid-transition (the admin's links fade over 0.15 s after the colour scheme
# changes) are neither scheme's: axe waits until no CSS transition runs.
TRANSITIONS_DONE = """() => document.getAnimations()
    .filter(animation => animation instanceof CSSTransition)
    .every(animation => animation.playState !== "running")"""


def blocking_violations(page, waived=None):
    """Serious and critical violations. ``waived`` maps a rule to a CSS selector of elements
    the rule is not held against: for third-party markup we cannot change (say why)."""
    waived = waived or {}
    violations = []
    page.wait_for_function(TRANSITIONS_DONE)
    for violation in _axe.run(page).response["violations"]:
        if violation.get("impact") not in BLOCKING:
            continue
        if violation["id"] in waived:
            violation["nodes"] = [
                node
                for node in violation["nodes"]
                if not page.locator(node["target"][-1]).first.evaluate(
                    "(element, selector) => element.matches(selector)", waived[violation["id"]]
                )
            ]
        if violation["nodes"]:
            violations.append(violation)
    return violations


def describe(violations):
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    at {target}" for target in targets]
    return "\n".join(lines)


def assert_accessible(page, waived=None):
    violations = blocking_violations(page, waived)
    assert not violations, "axe found serious or critical violations:\n" + describe(violations)
