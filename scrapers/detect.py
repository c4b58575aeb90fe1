"""Recognise pages that mean "stop": blocks, captchas, logins, JavaScript challenges.

Checks look at the page's structure (status, <title>, form fields, scripts), not at running text:
a judgment about stolen SMS verification codes (验证码) is a document, not a captcha.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from scrapers.errors import BlockedError, CaptchaError, JavaScriptRequiredError, LoginRequiredError

CAPTCHA_TITLE_WORDS = ("验证码", "安全验证", "人机验证", "滑动验证", "captcha", "verify you are human")
CAPTCHA_FIELD_PATTERN = re.compile(r"captcha|yzm|verifycode|validatecode|checkcode", re.I)
LOGIN_TITLE_WORDS = ("登录", "登陆", "login", "sign in", "统一身份认证")
BLOCK_TITLE_WORDS = ("访问受限", "禁止访问", "访问被拒绝", "请求过于频繁", "access denied", "forbidden", "too many requests")
JS_CHALLENGE_PATTERN = re.compile(r"document\.cookie\s*=|window\.location(\.href)?\s*=|eval\(function\(p,a,c,k,e", re.I)


def looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script", b"<meta"))


def check_page(status: int, content_type: str, body: bytes, url: str) -> None:
    """Raise a StopRun subclass when the response is a block, captcha, login or JavaScript-only page."""
    if status == 401:
        raise LoginRequiredError(f"{url}: HTTP 401, the site wants you to log in (check your session cookie)")
    if status == 403:
        raise BlockedError(
            f"{url}: HTTP 403 Forbidden; the site is refusing this client. Stop, wait, lower --rate, "
            "and check the site's terms before trying again"
        )
    if "html" not in content_type.lower() and not looks_like_html(body):
        return
    soup = BeautifulSoup(body, "html.parser")
    title = (soup.title.get_text(" ", strip=True) if soup.title else "").lower()
    field_names = " ".join(
        f"{tag.get('name', '')} {tag.get('id', '')}" for tag in soup.find_all(["input", "img", "div"])
    )
    if any(word in title for word in CAPTCHA_TITLE_WORDS) or CAPTCHA_FIELD_PATTERN.search(field_names):
        raise CaptchaError(
            f"{url}: the site answered with a captcha page. judgstat does not solve captchas: "
            "stop, wait (hours, not seconds), lower --rate, and resume later"
        )
    has_password = soup.find("input", attrs={"type": "password"}) is not None
    if has_password or any(word in title for word in LOGIN_TITLE_WORDS):
        raise LoginRequiredError(
            f"{url}: the site answered with a login page; your session is missing or expired. "
            "Log in with your own account in a browser and export a fresh cookie"
        )
    if any(word in title for word in BLOCK_TITLE_WORDS):
        raise BlockedError(f"{url}: the site says access is blocked ({title!r}); stop and check its terms")
    scripts = " ".join(tag.get_text() for tag in soup.find_all("script"))
    for tag in soup.find_all(["script", "style"]):
        tag.decompose()
    visible_text = soup.get_text("", strip=True)
    if len(visible_text) < 20 and JS_CHALLENGE_PATTERN.search(scripts):
        raise JavaScriptRequiredError(
            f"{url}: the page is a JavaScript challenge; judgstat never runs a site's JavaScript, so it stops here"
        )
