"""Every link of every error summary moves the keyboard's focus to the question it names.

Each demo role opens every kind of page its links reach (tests/browser/crawl.py), and sends each form that asks
something back empty: every text box cleared, every choice unticked, the browser's own checks off. Where the
portal answers with an error summary, each of its links is pressed in turn, and the focus must land on an input,
select, text area or button of the question whose error message says the same (a message about no one question
may land on any control). A link to an id the page does not have leaves the focus on the link.
"""

import pytest

from .conftest import sign_in
from .crawl import add_a_draft, crawl

pytestmark = pytest.mark.browser

# A person of each kind of organisation. The VRU's administrator comes last: sent empty, a few of its forms
# are still valid (an organisation's deactivation needs no reason), and the others would no longer sign in.
ROLES = [
    "dsl@northfield.example.sch.uk",
    "triager@vru.example.org",
    "manager@vru.example.org",
    "caseworker@yos-birmingham.example.org",
    "manager@yos-birmingham.example.org",
    "caseworker@stgiles.example.org",
    "decisions@police.example.org",
    "admin@northfield.example.sch.uk",
    "admin@vru.example.org",
]
FORMS = "main form[method=post i]"
BUTTONS = "button[type=submit]:visible, button:not([type]):visible, input[type=submit]:visible"
QUESTIONS = "input:not([type=hidden]):not([type=submit]), select, textarea"

EMPTY = """form => {
    form.noValidate = true;
    for (const el of form.elements) {
        if (el.type === 'hidden' || el.type === 'submit' || el.tagName === 'BUTTON' || el.tagName === 'FIELDSET') continue;
        if (el.type === 'radio' || el.type === 'checkbox') el.checked = false;
        else if (el.tagName === 'SELECT') el.selectedIndex = -1;
        else el.value = '';
    }
}"""

FOCUS = """message => {
    const text = m => m.textContent.replace('Error:', '').trim();
    const el = document.activeElement;
    const fieldError = [...document.querySelectorAll('.govuk-error-message')].some(m => text(m) === message);
    // A question's own message sits in its form group, or in the fieldset a date or a set of choices has.
    const own = ':scope > .govuk-error-message, :scope > .govuk-fieldset > .govuk-error-message';
    let inItsQuestion = false;
    let group = el.closest('.govuk-form-group');
    while (group && !inItsQuestion) {
        inItsQuestion = [...group.querySelectorAll(own)].some(m => text(m) === message);
        group = group.parentElement.closest('.govuk-form-group');
    }
    return {tag: el.tagName.toLowerCase(), id: el.id, fieldError, inItsQuestion};
}"""


def summary_links(page):
    return page.locator(".govuk-error-summary a[href^='#']")


def check_links(page, where, failures):
    links = summary_links(page)
    for n in range(links.count()):
        link = links.nth(n)
        message, target = link.inner_text().strip(), link.get_attribute("href")
        link.click()
        focus = page.evaluate(FOCUS, message)
        if focus["tag"] not in ("input", "select", "textarea", "button"):
            failures.append(f"{where}: “{message}” ({target}) left the focus on a {focus['tag']}")
        elif focus["fieldError"] and not focus["inItsQuestion"]:
            failures.append(f"{where}: “{message}” ({target}) focused #{focus['id']}, not its question")
    return links.count()


def test_every_error_summary_link_focuses_its_question(page, demo):
    add_a_draft()
    failures, summaries = [], []

    def submit_each_form(page):
        path = page.url
        forms = page.locator(FORMS)
        asking = [n for n in range(forms.count()) if forms.nth(n).locator(QUESTIONS).count()]
        for n in asking:
            if n != asking[0]:
                page.goto(path)
            form = page.locator(FORMS).nth(n)
            form.evaluate(EMPTY)
            buttons = form.locator(BUTTONS)
            if not buttons.count():
                continue  # its question is behind a closed <details>, which the crawl does not open
            with page.expect_navigation():
                buttons.first.click()
            where = f"{path} form {n + 1}"
            if check_links(page, where, failures):
                summaries.append(where)

    for email in ROLES:
        page.context.clear_cookies()
        sign_in(page, email, demo.DEMO_PASSWORD)
        crawl(page, submit_each_form)
    assert len(summaries) > 20, summaries
    assert not failures, "Error summary links that do not focus their question:\n" + "\n".join(failures)
