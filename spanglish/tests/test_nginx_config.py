"""The nginx examples under deploy/nginx/ agree with the app: the body limit is the
app's, and uploads are served as inert files (a stored HTML or SVG file opened
directly must never run as a page of the site)."""

import math
import re
import shlex
from pathlib import Path

import pytest
from django.conf import settings

from media.imaging import CONTENT_TYPE, EXTENSION

CONFS = sorted((Path(settings.BASE_DIR) / "deploy" / "nginx").glob("*.conf"))
SITE_CONFS = [p for p in CONFS if p.name != "redacted-access-log.conf"]
MB = 1024 * 1024


def _tokens(text: str) -> list[str]:
    text = re.sub(r"#[^\n]*", "", text)  # comments (no '#' inside our values)
    lexer = shlex.shlex(text, posix=True, punctuation_chars=";{}")
    lexer.whitespace_split = True
    lexer.commenters = ""
    return list(lexer)


def _parse(tokens: list[str], start: int = 0) -> tuple[list, int]:
    """nginx's grammar: `name args… ;` or `name args… { block }`."""
    block, words, i = [], [], start
    while i < len(tokens):
        token = tokens[i]
        if token == ";":
            block.append((words[0], words[1:], None))
            words = []
        elif token == "{":
            inner, i = _parse(tokens, i + 1)
            block.append((words[0], words[1:], inner))
            words = []
        elif token == "}":
            return block, i
        else:
            words.append(token)
        i += 1
    return block, i


def _servers(path: Path) -> list[list]:
    tree, _ = _parse(_tokens(path.read_text()))
    return [inner for name, _args, inner in tree if name == "server"]


def _app_server(path: Path) -> list:
    """The server block that proxies to the app (not the HTTP→HTTPS redirect)."""
    (server,) = [
        s
        for s in _servers(path)
        if any(n == "location" and a == ["/uploads/"] for n, a, _ in s)
    ]
    return server


def _size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 1024, "m": MB, "g": 1024 * MB}[unit.lower()]


def _uploads(server: list) -> list:
    (inner,) = [i for n, a, i in server if n == "location" and a == ["/uploads/"]]
    return inner


def test_site_confs_are_found():
    assert {p.name for p in SITE_CONFS} == {"spanglish.conf", "compose.conf"}


@pytest.mark.parametrize("path", SITE_CONFS, ids=lambda p: p.name)
def test_body_limit_is_the_apps_upload_limit_rounded_up_to_a_megabyte(path):
    server = _app_server(path)
    (limit,) = [a for n, a, _ in server if n == "client_max_body_size"]

    # The app takes UPLOAD_MAX_BYTES of file plus the form around it: what Django
    # accepts as a request body. nginx must let that through and nothing bigger.
    expected = math.ceil(settings.DATA_UPLOAD_MAX_MEMORY_SIZE / MB) * MB
    assert _size(limit[0]) == expected
    assert _size(limit[0]) > settings.UPLOAD_MAX_BYTES


@pytest.mark.parametrize("path", SITE_CONFS, ids=lambda p: p.name)
def test_uploads_are_served_inert_with_hardening_headers(path):
    uploads = _uploads(_app_server(path))
    headers = {a[0].lower(): (a[1], a[2:]) for n, a, _ in uploads if n == "add_header"}

    assert headers["x-content-type-options"] == ("nosniff", ["always"])
    csp, flags = headers["content-security-policy"]
    assert flags == ["always"]
    directives = {d.strip() for d in csp.split(";")}
    assert "default-src 'none'" in directives
    assert "sandbox" in directives  # no allow-scripts, no allow-same-origin
    assert [a for n, a, _ in uploads if n == "default_type"] == [
        ["application/octet-stream"]
    ]
    # Never handed to anything that could run it.
    names = {n for n, _a, _i in uploads}
    assert not names & {"proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass"}
    assert ["on"] not in [a for n, a, _ in uploads if n == "autoindex"]


@pytest.mark.parametrize("path", SITE_CONFS, ids=lambda p: p.name)
def test_uploads_name_only_the_image_types_the_app_writes(path):
    uploads = _uploads(_app_server(path))
    (types,) = [i for n, _a, i in uploads if n == "types"]
    served = {ext: mime for mime, exts, _ in types for ext in exts}

    written = {EXTENSION[f]: CONTENT_TYPE[f] for f in EXTENSION}
    assert {ext: served[ext] for ext in written} == written
    assert set(served.values()) <= set(CONTENT_TYPE.values())
    assert not set(served) & {"html", "htm", "svg", "xml", "js", "php"}


@pytest.mark.parametrize("path", SITE_CONFS, ids=lambda p: p.name)
def test_the_redacted_access_log_note_stays(path):
    text = path.read_text()
    assert "redacted-access-log.conf" in text
    assert "spanglish_redacted" in text
