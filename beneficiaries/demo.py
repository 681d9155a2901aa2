"""About thirty former inmates in Khémisset and a few elsewhere, in both scripts, with varied statuses."""

from datetime import date, timedelta

from accounts.models import User
from beneficiaries.models import Beneficiary, Consent
from territory.models import Province

ExitReason, ReferralSource, Sex, Status = (
    Beneficiary.ExitReason,
    Beneficiary.ReferralSource,
    Beneficiary.Sex,
    Beneficiary.Status,
)

MEN = [
    ("Mohamed", "محمد"), ("Youssef", "يوسف"), ("Abdellah", "عبد الله"), ("Hicham", "هشام"), ("Rachid", "رشيد"),
    ("Said", "سعيد"), ("Karim", "كريم"), ("Othmane", "عثمان"), ("Hassan", "حسن"), ("Mustapha", "مصطفى"),
    ("Ahmed", "أحمد"), ("Tariq", "طارق"), ("Noureddine", "نور الدين"), ("Brahim", "إبراهيم"), ("Khalid", "خالد"),
]  # fmt: skip
WOMEN = [
    ("Fatima", "فاطمة"), ("Khadija", "خديجة"), ("Zineb", "زينب"), ("Bouchra", "بشرى"), ("Aicha", "عائشة"),
    ("Naima", "نعيمة"), ("Latifa", "لطيفة"),
]  # fmt: skip
FAMILIES = [
    ("El Idrissi", "الإدريسي"), ("Alaoui", "العلوي"), ("Bennani", "بناني"), ("Tazi", "التازي"), ("Amrani", "العمراني"),
    ("Ouazzani", "الوزاني"), ("Berrada", "برادة"), ("Chraibi", "الشرايبي"), ("Lahlou", "لحلو"), ("Zemmouri", "الزموري"),
    ("Ait Taleb", "آيت الطالب"), ("Boukili", "البوكيلي"), ("Haddaoui", "الحداوي"),
]  # fmt: skip
COMMUNES = ["Khémisset", "Tiflet", "Rommani", "Ait Ikkou", "Sidi Allal El Bahraoui", "Maaziz"]
PRISONS = ["Prison locale de Tiflet 2", "Prison locale de Khémisset", "Centre de réforme et d'éducation de Salé"]
TRADES = ["Menuiserie", "Couture", "Coiffure", "Soudure", "Élevage ovin", "Boulangerie", "Réparation de téléphones"]
# The statuses after "accompanied" are written by the project transitions: projects/demo.py gives
# people 15 to 27 a project at each step of the workflow.
STATUSES = [Status.REGISTERED] * 8 + [Status.ACCOMPANIED] * 20 + [Status.EXITED] * 2
OTHER_PROVINCES = [("04.421", "Rabat"), ("04.281", "Kénitra"), ("06.141", "Casablanca"), ("01.511", "Tanger-Assilah")]


def person(index: int):
    """The index-th demo person: deterministic, so that loading twice finds the same people."""
    woman = index % 4 == 3
    first, first_ar = (WOMEN if woman else MEN)[index % (len(WOMEN) if woman else len(MEN))]
    last, last_ar = FAMILIES[(index * 7) % len(FAMILIES)]
    born = date(1970, 1, 15) + timedelta(days=index * 300)
    return {
        "cin": f"{'XA'[index % 2]}{'BK'[index % 2]}{120450 + index * 37}",
        "first_name": first,
        "last_name": last,
        "first_name_ar": first_ar,
        "last_name_ar": last_ar,
        "sex": Sex.FEMALE if woman else Sex.MALE,
        "date_of_birth": born,
        "phone": f"+2126{61000000 + index * 1301:08d}",
        "release_date": date(2019, 3, 1) + timedelta(days=index * 53),
        "prison": PRISONS[index % len(PRISONS)],
        "support_centre": "Centre d'accompagnement de Salé",
        "referral_source": [ReferralSource.FOUNDATION, ReferralSource.PRISON, ReferralSource.ASSOCIATION][index % 3],
        "skills": TRADES[index % len(TRADES)],
        "education": ["primary", "lower_secondary", "vocational", "none"][index % 4],
        "dependants": index % 5,
    }


def load(stdout):
    staff = User.objects.filter(username="khemisset.staff").first() or User.objects.get(username="admin")
    khemisset = Province.objects.get(code="04.291")
    created = 0
    for index, status in enumerate(STATUSES):
        created += add(person(index), khemisset, COMMUNES[index % len(COMMUNES)], status, staff)
    for offset, (code, commune) in enumerate(OTHER_PROVINCES):
        province = Province.objects.get(code=code)
        created += add(person(len(STATUSES) + offset), province, commune, Status.REGISTERED, staff)
    total = Beneficiary.objects.count()
    stdout.write(f"Demo beneficiaries: {created} added, {total} in the registry.")


def add(fields, province, commune, status, staff) -> int:
    if Beneficiary.objects.filter(cin=fields["cin"]).exists():
        return 0
    beneficiary = Beneficiary(**fields, province=province, commune=commune, created_by=staff)
    beneficiary._history_user = staff
    beneficiary.save()
    if status != Status.REGISTERED:
        beneficiary.status = status
        beneficiary.exit_reason = ExitReason.REINTEGRATED if status == Status.EXITED else ""
        beneficiary.save(update_fields=["status", "exit_reason"])
    if status != Status.REGISTERED or beneficiary.pk % 2:
        Consent.objects.create(
            beneficiary=beneficiary,
            purpose=Consent.Purpose.PROGRAMME,
            given_on=fields["release_date"] + timedelta(days=20),
            recorded_by=staff,
        )
    return 1
