"""Demo users, one per role, and a coordinator for each partner. Their password is printed by `load_demo`."""

from accounts.models import User
from partners.models import Partner
from territory.models import Province, Region

DEMO_PASSWORD = "idmaj-demo-2026"  # noqa: S105 - demo data only; load_demo refuses production

DEMO_USERS = [
    # username, role, first name, last name, scope, partner a coordinator acts for
    ("khemisset.staff", User.Role.STAFF, "Samira", "Bennani", {"province": "04.291"}, None),
    ("rabat.staff", User.Role.STAFF, "Youssef", "El Idrissi", {"province": "04.421"}, None),
    # ANAPEC's advisor for the region: studies the projects and follows them up.
    ("rsk.coordinator", User.Role.COORDINATOR, "Karim", "Alaoui", {"region": "04"}, "ANAPEC"),
    # The provincial committee for human development (CPDH): approves INDH's share.
    ("khemisset.indh", User.Role.COORDINATOR, "Hassan", "Ouazzani", {"province": "04.291"}, "INDH"),
    # The Foundation's regional support and reintegration centre: approves the Foundation's share.
    ("rsk.fm6rd", User.Role.COORDINATOR, "Leila", "Chraibi", {"region": "04"}, "FM6RD"),
    ("khemisset.official", User.Role.OFFICIAL, "Nadia", "Tazi", {"province": "04.291"}, None),
    ("admin", User.Role.ADMIN, "Amina", "Berrada", {}, None),
]


def load(stdout):
    stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for username, role, first_name, last_name, scope, acronym in DEMO_USERS:
        province = Province.objects.get(code=scope["province"]) if "province" in scope else None
        region = Region.objects.get(code=scope["region"]) if "region" in scope else None
        partner = Partner.objects.get(acronym=acronym) if acronym else None
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": first_name,
                "last_name": last_name,
                "province": province,
                "region": region,
                "national": role == User.Role.ADMIN,
                "partner": partner,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        elif partner and user.partner_id is None:
            # A demo loaded before coordinators acted for a partner: without one they can do nothing.
            user.partner = partner
            user.save(update_fields=["partner"])
        acting = f" · {user.partner.acronym}" if user.partner_id else ""
        stdout.write(f"  {username:<20} {user.get_role_display()} · {user.scope_label}{acting}")
