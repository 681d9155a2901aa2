from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD


def current_code(device, steps_ahead=0):
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0 - steps_ahead * device.step, device.digits):06d}"


def log_in(page, url):
    page.goto(f"{url}/login/")
    page.locator("input[name=username]").fill("admin")
    page.locator("input[name=password]").fill(TEST_PASSWORD)
    page.locator("main form button[type=submit]").click()


def test_admin_sets_up_the_app_at_first_log_in_then_logs_in_with_a_code(
    live_server, page, context, admin_user, settings, screenshot
):
    settings.IDMAJ_REQUIRE_TWO_FACTOR = True
    csp_errors = []
    page.on("console", lambda message: "Content Security Policy" in message.text and csp_errors.append(message.text))
    context.add_cookies([{"name": "idmaj_language", "value": "ar", "url": live_server.url}])
    log_in(page, live_server.url)
    expect(page).to_have_url(f"{live_server.url}/account/two-factor/set-up/?next=%2F")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("img.qr-code")).to_be_visible()
    screenshot("two-factor-enrol-ar")

    context.add_cookies([{"name": "idmaj_language", "value": "fr", "url": live_server.url}])
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    screenshot("two-factor-enrol-fr")

    device = TOTPDevice.objects.get(user=admin_user)
    page.locator("input[name=otp_token]").fill(current_code(device))
    page.locator("main form button[type=submit]").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    screenshot("two-factor-recovery-codes-fr")
    page.locator("main a.btn-success").click()
    expect(page).to_have_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(f"{live_server.url}/admin/")
    page.locator("#logout-form button").click()

    log_in(page, live_server.url)
    expect(page).to_have_url(f"{live_server.url}/account/two-factor/code/?next=%2F")
    screenshot("two-factor-code-fr")
    page.locator("input[name=otp_token]").fill(current_code(device, steps_ahead=1))
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/")
    assert csp_errors == []
