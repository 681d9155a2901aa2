"""Who acts in the demo's Khémisset story, the people it adds, and how a project is drafted:
shared by the story (projects/demo.py) and its history (projects/demo_history.py)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from accounts.models import User
from beneficiaries import demo as registry_demo
from beneficiaries.models import Beneficiary, Consent
from partners.models import Convention, Partner
from projects.models import FundingLine, MicroProject, ProjectEvent
from territory.models import Province

Action, Status, Kind = ProjectEvent.Action, MicroProject.Status, FundingLine.Kind
ZERO = Decimal("0")
KHEMISSET = "04.291"
HISTORIC = "KHE-2015-INDH-II"
CURRENT = "KHE-2020-FM6RD-CPDH"
HISTORIC_TOTAL = Decimal("1832227.00")  # "78 people benefited during INDH phase II at a total cost of 1,832,227 MAD"
HISTORIC_COUNT = 78

COMMUNES = [
    "Khémisset", "Tiflet", "Rommani", "Maaziz", "Ait Ikkou", "Sidi Allal El Bahraoui", "Oulmès", "Ezzhiliga",
    "Sidi Abderrazak", "Ait Yadine",
]  # fmt: skip
MEN = [
    ("Mohamed", "محمد"), ("Ahmed", "أحمد"), ("Youssef", "يوسف"), ("Abdellah", "عبد الله"), ("Hicham", "هشام"),
    ("Rachid", "رشيد"), ("Said", "سعيد"), ("Omar", "عمر"), ("Othmane", "عثمان"), ("Hassan", "حسن"),
    ("Mustapha", "مصطفى"), ("Tarik", "طارق"), ("Noureddine", "نور الدين"), ("Brahim", "إبراهيم"),
    ("Khalid", "خالد"), ("Driss", "إدريس"), ("Abdelkader", "عبد القادر"), ("Abderrahim", "عبد الرحيم"),
    ("Mehdi", "المهدي"), ("Hamza", "حمزة"), ("Ayoub", "أيوب"), ("Ismail", "إسماعيل"), ("Jamal", "جمال"),
    ("Adil", "عادل"), ("Redouane", "رضوان"), ("Soufiane", "سفيان"), ("Zakaria", "زكرياء"), ("Lahcen", "لحسن"),
    ("Yassine", "ياسين"), ("Mourad", "مراد"), ("Aziz", "عزيز"),
]  # fmt: skip
WOMEN = [
    ("Fatima", "فاطمة"), ("Khadija", "خديجة"), ("Zineb", "زينب"), ("Naima", "نعيمة"), ("Malika", "مليكة"),
    ("Saida", "سعيدة"), ("Hanane", "حنان"), ("Meryem", "مريم"), ("Siham", "سهام"), ("Karima", "كريمة"),
    ("Hafsa", "حفصة"),
]  # fmt: skip
FAMILIES = [
    ("Zemmouri", "الزموري"), ("Zaeri", "الزعري"), ("Ziani", "الزياني"), ("El Idrissi", "الإدريسي"),
    ("Alaoui", "العلوي"), ("Amrani", "العمراني"), ("Ouazzani", "الوزاني"), ("Lahlou", "لحلو"),
    ("Ait Taleb", "آيت الطالب"), ("Boukili", "البوكيلي"), ("Haddaoui", "الحداوي"), ("Khamlichi", "الخمليشي"),
    ("Benjelloun", "بنجلون"), ("Sebti", "السبتي"), ("Naciri", "الناصري"), ("Kettani", "الكتاني"),
    ("Bouazza", "بوعزة"), ("Moussaoui", "الموساوي"), ("El Ghazi", "الغازي"), ("Belhaj", "بلحاج"),
    ("Tahiri", "الطاهري"), ("Jabri", "الجابري"), ("Filali", "الفيلالي"), ("Doukkali", "الدكالي"),
    ("El Ouardi", "الوردي"), ("Skalli", "السقلي"), ("Ait Lahcen", "آيت لحسن"), ("Mansouri", "المنصوري"),
    ("Rifai", "الرفاعي"),
]  # fmt: skip

Sector = MicroProject.Sector
# title, sector, activity, expected monthly revenue (MAD)
ACTIVITIES = [
    (
        "Atelier de couture",
        Sector.CRAFTS,
        "Confection et retouche de vêtements traditionnels : deux machines à coudre et une surjeteuse.",
        3500,
    ),
    ("Épicerie de quartier", Sector.TRADE, "Épicerie de proximité : comptoir, réfrigérateur et premier stock.", 4500),
    (
        "Élevage ovin",
        Sector.LIVESTOCK,
        "Troupeau de dix brebis et un bélier de race Timahdite, bergerie aménagée.",
        3000,
    ),
    (
        "Atelier de soudure",
        Sector.BUILDING,
        "Soudure et ferronnerie : poste à souder, meuleuse, perceuse à colonne.",
        5000,
    ),
    (
        "Salon de coiffure",
        Sector.PERSONAL_SERVICES,
        "Salon de coiffure : fauteuils, miroirs, séchoirs et produits.",
        4000,
    ),
    (
        "Boulangerie traditionnelle",
        Sector.FOOD_PROCESSING,
        "Four à pain, pétrin et tables de façonnage pour le pain du quartier.",
        5500,
    ),
    ("Réparation de téléphones", Sector.REPAIR, "Réparation de téléphones portables et vente d'accessoires.", 3800),
    ("Snack", Sector.CATERING, "Snack : plancha, friteuse, vitrine réfrigérée, tables et chaises.", 5200),
    ("Menuiserie aluminium", Sector.BUILDING, "Menuiserie aluminium : tronçonneuse, poinçonneuse et outillage.", 6000),
    ("Apiculture", Sector.AGRICULTURE, "Vingt ruches peuplées et matériel d'extraction du miel.", 2800),
    (
        "Triporteur de livraison",
        Sector.TRANSPORT,
        "Triporteur motorisé pour livrer les commerçants et le souk hebdomadaire.",
        3600,
    ),
    ("Mécanique de motos", Sector.REPAIR, "Réparation de motos et de vélos : outillage et pièces de rechange.", 4200),
    ("Élevage de poulets de chair", Sector.LIVESTOCK, "Poulailler de 500 poussins, mangeoires et abreuvoirs.", 3300),
    ("Cybercafé et photocopie", Sector.DIGITAL, "Quatre ordinateurs, une imprimante et une photocopieuse.", 3200),
    ("Pâtisserie marocaine", Sector.FOOD_PROCESSING, "Pâtisserie traditionnelle : four, batteur et moules.", 3900),
    ("Plomberie et électricité", Sector.BUILDING, "Outillage de plomberie et d'électricité pour les chantiers.", 4600),
    ("Culture maraîchère", Sector.AGRICULTURE, "Serre, goutte-à-goutte et semences sur un hectare loué.", 3400),
    ("Tissage de tapis zemmour", Sector.CRAFTS, "Métier à tisser et laine pour les tapis de la région.", 2900),
]


@dataclass
class Cast:
    """Who acts in the story, and on what."""

    staff: User
    anapec: User
    indh: User
    fm6rd: User
    province: Province
    historic: Convention
    current: Convention
    partners: dict

    @classmethod
    def find(cls) -> "Cast":
        users = {user.username: user for user in User.objects.filter(username__contains=".")}
        return cls(
            staff=users["khemisset.staff"],
            anapec=users["rsk.coordinator"],
            indh=users["khemisset.indh"],
            fm6rd=users["rsk.fm6rd"],
            province=Province.objects.get(code=KHEMISSET),
            historic=Convention.objects.get(reference=HISTORIC),
            current=Convention.objects.get(reference=CURRENT),
            partners={partner.acronym: partner for partner in Partner.objects.all()},
        )

    def approver(self, line) -> User:
        return self.fm6rd if line.partner_id == self.partners["FM6RD"].pk else self.indh


@dataclass
class Plan:
    """A project as drafted: what it does, where, and who pays for what."""

    activity: int  # index in ACTIVITIES
    commune: str
    lines: list  # (partner acronym, convention, amount, kind)
    own: Decimal = ZERO
    jobs: int = 1
    cost: Decimal | None = None  # the total cost of a draft without funding lines yet

    @property
    def title(self) -> str:
        return f"{ACTIVITIES[self.activity][0]} à {self.commune}"

    @property
    def revenue(self) -> int:
        return ACTIVITIES[self.activity][3]

    @property
    def total_cost(self) -> Decimal:
        """The lines plus the own contribution: a complete plan, as submitted."""
        if self.cost is not None:
            return self.cost
        return sum((Decimal(amount) for _, _, amount, _ in self.lines), self.own)


# ----- people -----------------------------------------------------------------------------------


def new_person(number: int, *, released: date, commune: str, status: str, cast: Cast) -> Beneficiary:
    """The number-th person this module adds (deterministic, found again by CIN), with the two
    consents a submission needs."""
    cin = f"XA{200000 + number}"
    person = Beneficiary.objects.filter(cin=cin).first()
    if person:
        return person
    woman = number % 5 == 2
    first, first_ar = WOMEN[number % len(WOMEN)] if woman else MEN[number % len(MEN)]
    last, last_ar = FAMILIES[(number * 7 + number // len(FAMILIES)) % len(FAMILIES)]
    person = Beneficiary(
        cin=cin,
        first_name=first,
        last_name=last,
        first_name_ar=first_ar,
        last_name_ar=last_ar,
        sex=Beneficiary.Sex.FEMALE if woman else Beneficiary.Sex.MALE,
        date_of_birth=date(1976, 3, 10) + timedelta(days=number * 83),
        phone=f"+2126{62000000 + number * 1733:08d}",
        province=cast.province,
        commune=commune,
        release_date=released,
        prison=registry_demo.PRISONS[number % len(registry_demo.PRISONS)],
        support_centre="Centre d'accompagnement de Salé",
        referral_source=Beneficiary.ReferralSource.FOUNDATION if number % 3 else Beneficiary.ReferralSource.PRISON,
        skills=registry_demo.TRADES[number % len(registry_demo.TRADES)],
        education=["primary", "lower_secondary", "vocational", "none"][number % 4],
        dependants=number % 5,
        status=status,
        created_by=cast.staff,
    )
    person.clean_fields()  # the names pass the registry's rules, as if typed in the form
    person._history_user = cast.staff
    person.save()
    consents(person, released + timedelta(days=30), cast.staff)
    return person


def consents(person: Beneficiary, given_on: date, by: User) -> None:
    """The programme's and the partners' consents, when the person lacks them."""
    for purpose in (Consent.Purpose.PROGRAMME, Consent.Purpose.PARTNERS):
        if not person.consents.filter(purpose=purpose, withdrawn_on__isnull=True).exists():
            consent = Consent(beneficiary=person, purpose=purpose, given_on=given_on, recorded_by=by)
            consent._history_user = by
            consent.save()


# ----- drafting -----------------------------------------------------------------------------------


def draft(cast: Cast, person: Beneficiary, plan: Plan, **fields) -> MicroProject | None:
    """The project drafted by khemisset.staff with its funding lines, or None when it is already there."""
    if MicroProject.objects.filter(lead=person, title=plan.title).exists():
        return None
    _title, sector, activity, _revenue = ACTIVITIES[plan.activity]
    project = MicroProject(
        lead=person,
        province=cast.province,
        title=plan.title,
        sector=sector,
        activity=activity,
        commune=plan.commune,
        total_cost=plan.total_cost,
        own_contribution=plan.own,
        expected_jobs=plan.jobs,
        technical_partner=cast.partners["ANAPEC"],
        created_by=cast.staff,
        **fields,
    )
    project._history_user = cast.staff
    project.save()
    for acronym, convention, amount, kind in plan.lines:
        line = FundingLine(
            project=project, partner=cast.partners[acronym], convention=convention, amount=Decimal(amount), kind=kind
        )
        line._history_user = cast.staff
        line.save()
    return project


def study(project: MicroProject, plan: Plan, cast: Cast, *, feasible: bool = True, notes: str = "") -> None:
    project.record_study(
        by=cast.anapec,
        feasible=feasible,
        expected_monthly_revenue=Decimal(plan.revenue),
        recommended_amount=project.total_cost - project.own_contribution,
        notes=notes or "Projet viable : local disponible, savoir-faire confirmé, clientèle de proximité.",
    )
