"""The HTTP and browser half of .ci/production-smoke: real requests to gunicorn in production mode.

Run by .ci/production-smoke, which starts gunicorn and the task worker; not part of the pytest suite.
Every request carries what the README's TLS proxy adds (X-Forwarded-Proto, X-Forwarded-For), so
Django sees HTTPS. Prints one "ok" line per check; exits 1 with the reason on the first failure.

    production_smoke.py BASE_URL STATIC_ROOT USERNAME PASSWORD WORK_DIR
"""

import json
import re
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

PROXY_HEADERS = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"}
ONE_YEAR = 365 * 24 * 3600
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# One person to import: the worker's check of this file is the task the smoke test runs.
IMPORT_CSV = "cin;first_name;last_name;sex;date_of_birth\nXS123456;Ahmed;Benali;M;12/05/1990\n"
# Recorded by the page itself: CSP violations do not always reach the console.
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) =>
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI));
"""


class SmokeFailure(Exception):
    pass


def ok(message: str) -> None:
    print(f"ok   {message}", flush=True)


def check(condition, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, headers=PROXY_HEADERS):
    """(status, headers, body) without following redirects."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (always the http://127.0.0.1 base)
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def wait_until_answering(base: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _, body = fetch(f"{base}/healthz")
        except OSError:
            time.sleep(0.2)
            continue
        check(status == 200, f"/healthz answered {status}: {body[:200]}")
        ok(f"gunicorn answers: /healthz 200 {body.strip()}")
        return
    raise SmokeFailure(f"gunicorn did not answer on {base} within {seconds:.0f} s")


def check_plain_http_is_redirected(base: str) -> None:
    status, headers, _ = fetch(f"{base}/login/", headers={})
    check(status == 301, f"a plain-HTTP request answered {status}, not a 301 to HTTPS")
    check(headers["Location"].startswith("https://"), f"plain HTTP redirected to {headers['Location']}")
    ok(f"plain HTTP is redirected to {headers['Location']}")


def check_login_page(base: str) -> str:
    status, headers, page = fetch(f"{base}/login/")
    check(status == 200, f"the login page answered {status}: {page[:300]}")
    csp = headers.get("Content-Security-Policy", "")
    nonce = re.search(r"'nonce-([^']+)'", csp)
    check(nonce, f"no nonce in the Content-Security-Policy header: {csp!r}")
    check("'unsafe-inline'" not in csp, f"the CSP allows inline code: {csp!r}")
    scripts = re.findall(r"<script\b[^>]*>", page)
    check(scripts, "the login page has no script tag")
    unsigned = [tag for tag in scripts if f'nonce="{nonce[1]}"' not in tag]
    check(not unsigned, f"script tags without the page's nonce: {unsigned}")
    hsts = headers.get("Strict-Transport-Security", "")
    max_age = re.search(r"max-age=(\d+)", hsts)
    check(max_age and int(max_age[1]) >= ONE_YEAR, f"no HSTS header of a year or more: {hsts!r}")
    ok(f"login page 200, CSP nonce on its {len(scripts)} script tags, HSTS {hsts!r}")
    return page


def check_hashed_css(base: str, page: str, static_root: Path) -> None:
    manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["css/idmaj.css"]
    check(re.fullmatch(r"css/idmaj\.[0-9a-f]{12}\.css", hashed), f"the manifest names {hashed!r}")
    check(f'href="/static/{hashed}"' in page, f"the login page does not link /static/{hashed}")
    status, headers, body = fetch(f"{base}/static/{hashed}")
    check(status == 200, f"/static/{hashed} answered {status}")
    check(headers.get_content_type() == "text/css", f"/static/{hashed} is {headers['Content-Type']}")
    cache = headers.get("Cache-Control", "")
    max_age = re.search(r"max-age=(\d+)", cache)
    check(max_age and int(max_age[1]) >= ONE_YEAR and "immutable" in cache, f"Cache-Control is {cache!r}")
    check(body.strip(), f"/static/{hashed} is empty")
    ok(f"/static/{hashed} served by whitenoise: {cache}")


def browse(base: str, username: str, password: str, work: Path) -> None:
    """Log in as a provincial staff member, open the registry, and import a file through the worker."""
    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(extra_http_headers=PROXY_HEADERS)
            context.add_init_script(RECORD_CSP_VIOLATIONS)
            page = context.new_page()
            page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
            page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
            page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} for {r.url}"))

            def no_problem_on(what: str) -> None:
                problems.extend(f"CSP violation: {v}" for v in page.evaluate("window.__cspViolations"))
                check(not problems, f"{what}: " + "; ".join(problems))

            page.goto(f"{base}/login/")
            page.locator("#id_username").fill(username)
            page.locator("#id_password").fill(password)
            page.locator("main form button[type=submit]").click()
            page.wait_for_url(lambda url: "/login/" not in url)
            session = [c for c in context.cookies() if c["name"] == "sessionid"]
            check(session and session[0]["secure"] and session[0]["httpOnly"], f"session cookie: {session}")
            no_problem_on("the log-in")
            ok(f"chromium logged in as {username} (Secure, HttpOnly session cookie); no console or CSP error")

            page.goto(f"{base}/beneficiaries/")
            expect(page.locator("#results")).to_be_visible()
            no_problem_on("the beneficiary list")
            ok("chromium opened the beneficiary list; no console or CSP error")

            for path, what in (
                ("/disbursements/handovers/", "the handover list"),
                ("/disbursements/ceremonies/", "the ceremony list"),
                ("/disbursements/verify/", "the receipt verification"),
            ):
                page.goto(f"{base}{path}")
                expect(page.locator("main h1")).to_be_visible()
                no_problem_on(what)
            ok("chromium opened the handover list, the ceremonies and the verification page; no console or CSP error")

            csv = work / "smoke-import.csv"
            csv.write_text(IMPORT_CSV, encoding="utf-8")
            page.goto(f"{base}/beneficiaries/import/")
            page.locator("input[type=file]").set_input_files(csv)
            page.locator("main form[enctype] button[type=submit]").click()
            page.wait_for_url(re.compile(r"/beneficiaries/import/\d+/$"))
            # The worker checks the file; the page polls and reloads onto the preview when it is done.
            expect(page.locator("#count-new")).to_have_text("1", timeout=30_000)
            expect(page.locator("#count-invalid")).to_have_text("0")
            no_problem_on("the import")
            ok("chromium uploaded a one-row CSV; the task worker checked it (preview: 1 new, 0 invalid)")
        except PlaywrightError as error:
            raise SmokeFailure(f"browser: {error.message.splitlines()[0]}") from None
        finally:
            browser.close()


def main(base: str, static_root: str, username: str, password: str, work: str) -> int:
    try:
        wait_until_answering(base)
        check_plain_http_is_redirected(base)
        page = check_login_page(base)
        check_hashed_css(base, page, Path(static_root))
        browse(base, username, password, Path(work))
    except SmokeFailure as failure:
        print(f"FAIL {failure}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
