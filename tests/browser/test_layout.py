"""On a phone no main page scrolls sideways: everything reflows into the screen's width."""

from __future__ import annotations

import pytest

from tests.browser.world import PAGES, build_world, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The elements that stick out past the right edge, to say what to fix.
_OVERFLOWING = """() => [...document.body.querySelectorAll('*')]
    .filter(el => {
        const box = el.getBoundingClientRect();
        // Its own box sticks out, or its content (a long word) overflows the box.
        return box.right > window.innerWidth + 0.5
            || box.left + el.scrollWidth > window.innerWidth + 0.5;
    })
    .slice(0, 5)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
         + (typeof el.className === 'string' && el.className ? '.' + el.className : '')
         + ' right=' + Math.round(el.getBoundingClientRect().right))"""


# 390 px is a common phone; 320 px is the width WCAG 2.1's reflow criterion (1.4.10) names.
@pytest.mark.parametrize("width", [390, 320])
def test_no_main_page_scrolls_horizontally_on_a_phone(new_page, width):
    world = build_world()
    wide = {}
    for spec in PAGES:
        page = open_page(new_page, world, spec, phone=True)
        page.set_viewport_size({"width": width, "height": 844})
        scroll_width, inner_width = page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]")
        assert inner_width == width
        if scroll_width > inner_width:
            wide[spec.name] = (scroll_width, page.evaluate(_OVERFLOWING))
        page.context.close()  # one page at a time keeps the browser light
    assert wide == {}, f"Pages wider than the screen ({width} px): " + "; ".join(
        f"{name}: {scroll} px, sticking out: {culprits}"
        for name, (scroll, culprits) in wide.items()
    )
