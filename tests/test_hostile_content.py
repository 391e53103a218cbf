"""Hostile markup in a body never reaches any field of any response, as text or as HTML."""

import json
from pathlib import Path

from fastapi.testclient import TestClient

from tests.conftest import IngestFn, WritePost

HOSTILE_BODY = """
<div onclick="steal()">
<p>正常的第一段。<script>alert('x')</script></p>
<p onmouseover="alert(1)">第二段<img src="x" onerror="alert(2)"></p>
<p><a href="javascript:alert(3)">坏链接</a> 和 <a href="data:text/html;base64,PHNjcmlwdD4=">数据链接</a></p>
<iframe src="javascript:alert(4)"></iframe>
<svg onload="alert(5)"><circle r="1"/></svg>
<p style="width: expression(alert(6))">带样式的段落</p>
<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoNyk+" alt="图">
<object data="evil.swf"></object><embed src="evil.swf">
<form action="https://evil.example/"><input name="q"></form>
<p><a href="https://example.com/ok" onclick="x()">好链接</a></p>
</div>
"""
FORBIDDEN = (
    "<script", "javascript:", "onerror", "onload", "onclick", "onmouseover", "<iframe", "<svg",
    "expression(", "data:text", "data:image", "<object", "<embed", "<form", "<input", "alert(",
)  # fmt: skip


def test_no_hostile_markup_survives_into_any_response(
    client: TestClient, write_post: WritePost, run_ingest: IngestFn
) -> None:
    post = write_post("hostile.md", title="<script>alert('t')</script>标题", body=HOSTILE_BODY)
    assert run_ingest(Path(post).parent).failed == 0
    listing = client.get("/articles")
    article_id = listing.json()["items"][0]["id"]
    detail = client.get(f"/articles/{article_id}")
    body = detail.json()
    assert "正常的第一段" in body["body_text"] and "好链接" in body["body_text"]
    assert 'href="https://example.com/ok"' in body["body_html"]
    fields = {
        key: value for key, value in body.items() if key != "title"
    }  # the title is plain text, shown escaped
    for response_text in (
        json.dumps(fields, ensure_ascii=False),
        json.dumps(listing.json()["items"][0]["excerpt"]),
    ):
        for marker in FORBIDDEN:
            assert marker not in response_text.lower(), (marker, response_text)
    assert detail.headers["content-type"].startswith("application/json")
