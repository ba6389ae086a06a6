"""axe-core checks, run by evaluating the bundled script (works under our CSP)."""

from axe_playwright_python.sync_playwright import Axe

BLOCKING = {"serious", "critical"}
_axe = Axe()


def blocking_violations(page):
    results = _axe.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING]


def describe(violations):
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"]]
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines += [f"    at {target}" for target in targets]
    return "\n".join(lines)


def assert_accessible(page):
    violations = blocking_violations(page)
    assert not violations, "axe found serious or critical violations:\n" + describe(violations)
