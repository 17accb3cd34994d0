"""The accessibility check the journeys stop on finds what axe-core finds, on the page as it
is at the stop: after a change in place (htmx), without a new document, too."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_accessible


def test_a_button_without_a_name_fails_the_check_and_so_does_one_added_in_place(browser):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    try:
        page.set_content(
            '<html lang="fr"><head><title>Essai</title></head><body><main>'
            "<h1>Essai</h1><p>Rien à signaler.</p></main></body></html>"
        )
        assert_accessible(page, "a page without fault")

        page.evaluate(
            "document.querySelector('main').insertAdjacentHTML('beforeend', '<button></button>')"
        )
        with pytest.raises(AssertionError, match="button-name"):
            assert_accessible(page, "a button added in place")

        page.set_content(
            '<html lang="fr"><head><title>Essai</title></head><body><main>'
            '<h1>Essai</h1><img src="data:,"></main></body></html>'
        )
        with pytest.raises(AssertionError, match="image-alt"):
            assert_accessible(page, "a new document with an image without text")
    finally:
        context.close()
