"""Every URL route × every role: the expected status, and 404 (never a hint) for another's records."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from .matrix import MATRIX, ROLES, SIGN_IN

ROWS = {row.name: row for row in MATRIX}


def _route_names(patterns=None, namespace=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            if ns == "admin:":
                yield "admin:*"
                continue
            yield from _route_names(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}{p.name}" if p.name else f"<unnamed {p.pattern}>"


def test_every_route_has_a_row_in_the_matrix():
    missing = sorted({name for name in _route_names() if name not in ROWS})
    assert not missing, f"Routes without a row in tests/security/matrix.py: {missing}"


def test_every_row_names_a_route_that_exists():
    names = set(_route_names())
    assert not [row.name for row in MATRIX if row.name not in names]


def _url(row, objects):
    if row.name == "admin:*":
        return reverse("admin:index")
    return reverse(row.name, kwargs=row.kwargs(objects) if row.kwargs else None)


def _as(client, request, role, login):
    client.logout()
    if role != "anonymous":
        login(client, request.getfixturevalue(role))


# One test per route, every role in turn: the records are made once per route, not once per route and role (the
# matrix was 2,800 tests, a third of the suite's time, most of it making the same records again).
@pytest.mark.django_db
@pytest.mark.parametrize("row", MATRIX, ids=lambda r: r.name)
def test_each_role_gets_the_expected_status(client, request, objects, row):
    url, wrong = _url(row, objects), []
    for role in ROLES:
        _as(client, request, role, lambda c, user: c.force_login(user))
        response = client.get(url)
        expected = row.status_for(role)
        if expected == SIGN_IN:
            if response.status_code != 302 or not response["Location"].startswith(reverse("login")):
                wrong.append(f"{role} GET {url}: {response.status_code} {response.get('Location', '')}, expected "
                             "the sign-in page")
        elif response.status_code != expected:
            wrong.append(f"{role} GET {url}: {response.status_code}, expected {expected}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("row", MATRIX, ids=lambda r: r.name)
def test_a_person_without_a_second_factor_is_sent_to_set_one_up_from_every_route(client, request, objects, row):
    """Signed in with the password only and no factor set up: every page but setting one up (and leaving) sends them
    there, the API refuses; the pages that set a factor up answer as they do for everyone."""
    from partners.signin.middleware import OPEN_PREFIXES
    from tests.signin.helpers import password_only_login

    url, wrong = _url(row, objects), []
    for role in ROLES[1:]:
        _as(client, request, role, password_only_login)
        response = client.get(url)
        if url.startswith(OPEN_PREFIXES):
            ok = response.status_code != 500 and response.get("Location") != reverse("two-factor-set-up")
        elif url.startswith("/api/"):
            ok = response.status_code == 403 and "second factor" in response.json()["detail"]
        else:
            ok = response.status_code == 302 and response["Location"] == reverse("two-factor-set-up")
        if not ok:
            wrong.append(f"{role} GET {url}: {response.status_code} {response.get('Location', '')}")
    assert not wrong, "\n".join(wrong)
