import re

from playwright.sync_api import expect

from tests.factories import TEST_PASSWORD


def test_staff_member_logs_in_in_arabic_switches_to_french_and_logs_out(live_server, page, khemisset_staff, screenshot):
    page.goto(live_server.url)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name="الدخول إلى إدماج")).to_be_visible()
    screenshot("login-ar")

    page.get_by_label("اسم المستخدم").fill("khemisset.staff")
    page.get_by_label("كلمة المرور").fill(TEST_PASSWORD)
    page.get_by_role("button", name="تسجيل الدخول").click()
    # The log-in page is in Arabic too: wait for the home page before checking its language.
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("main p.lead")).to_contain_text("الخميسات")
    expect(page.get_by_role("heading", name="ما يمكنك القيام به الآن")).to_be_visible()
    screenshot("home-ar")

    page.get_by_role("button", name="اللغة").click()
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", name="Ce que vous pouvez faire maintenant")).to_be_visible()
    screenshot("home-fr")

    page.get_by_role("button", name=re.compile(re.escape(khemisset_staff.get_full_name()))).click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page).to_have_url(re.compile(r"/login/"))
    expect(page.get_by_role("heading", name="Connexion à Idmaj")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
