"""The API documentation is served from the project's own static files, with no inline script,
so that the Content-Security-Policy lets it run."""

import re

from django.test import Client

from tests.conftest import World, client_for


def references(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


def test_the_docs_page_loads_nothing_from_another_host(world: World) -> None:
    page = client_for(world.gp).get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert references(html)
    for url in references(html):
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
    # Every script comes from a file: nothing inline for the policy to block.
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html
    assert "unsafe-inline" not in page["Content-Security-Policy"]


def test_the_docs_files_are_the_projects_own(world: World, settings) -> None:
    html = client_for(world.gp).get("/api/docs/").content.decode()
    static = [url for url in references(html) if url.startswith(settings.STATIC_URL)]
    assert len(static) >= 3  # the stylesheet, the bundle, the preset
    # Collected files under their hashed names, served by the site itself (WhiteNoise).
    for url in static:
        assert Client().get(url).status_code == 200, url


def test_the_docs_start_from_a_script_file(world: World) -> None:
    client = client_for(world.gp)
    html = client.get("/api/docs/").content.decode()
    (init,) = [url for url in references(html) if url.startswith("/api/docs/")]
    script = client.get(init.replace("&amp;", "&"))
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


def test_the_docs_stay_behind_the_login(db: None) -> None:
    assert Client().get("/api/docs/").status_code in {302, 401, 403}
    assert Client().get("/api/docs/?script=").status_code in {302, 401, 403}
