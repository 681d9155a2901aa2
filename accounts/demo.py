"""Demo users, one per role. Their password is printed by `load_demo`."""

from accounts.models import User
from territory.models import Province, Region

DEMO_PASSWORD = "idmaj-demo-2026"  # noqa: S105 - demo data only; load_demo refuses production

DEMO_USERS = [
    # username, role, first name, last name, scope
    ("khemisset.staff", User.Role.STAFF, "Samira", "Bennani", {"province": "04.291"}),
    ("rabat.staff", User.Role.STAFF, "Youssef", "El Idrissi", {"province": "04.421"}),
    ("rsk.coordinator", User.Role.COORDINATOR, "Karim", "Alaoui", {"region": "04"}),
    ("khemisset.official", User.Role.OFFICIAL, "Nadia", "Tazi", {"province": "04.291"}),
    ("admin", User.Role.ADMIN, "Amina", "Berrada", {}),
]


def load(stdout):
    stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
    for username, role, first_name, last_name, scope in DEMO_USERS:
        province = Province.objects.get(code=scope["province"]) if "province" in scope else None
        region = Region.objects.get(code=scope["region"]) if "region" in scope else None
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "role": role,
                "first_name": first_name,
                "last_name": last_name,
                "province": province,
                "region": region,
                "national": role == User.Role.ADMIN,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        stdout.write(f"  {username:<20} {user.get_role_display()} · {user.scope_label}")
