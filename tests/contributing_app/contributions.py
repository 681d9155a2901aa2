"""A stand-in for an app not written yet (trainings, say): what it would contribute, found by discovery alone."""

from datetime import timedelta

from reintegration.lib.contributions import HomeCard, NavEntry, RecordPanel

NAVIGATION = [NavEntry("Micro-projects", "home", visible=lambda user: user.role == "staff", count=lambda user: 4)]
HOME_CARDS = [HomeCard("contributing_app/card.html", context=lambda user: {"title": f"Projects of {user.username}"})]


def trainings(beneficiary, user):
    """Staff only; a person born before 1970 has had no training yet."""
    if user.role != "staff":
        return None
    rows = [{"label": "Couture, 2025", "url": "/trainings/7/", "status": "Completed"}]
    return {
        "heading": "Trainings",
        "rows": rows if beneficiary.date_of_birth.year >= 1970 else [],
        "empty": "No training yet.",
        "actions": [{"label": "Enrol in a training", "url": f"/trainings/new/?person={beneficiary.pk}"}],
    }


RECORD_PANELS = [RecordPanel(context=trainings)]


def timeline_events(beneficiary, user):
    registered = beneficiary.created_at
    return [
        (registered + timedelta(days=30), "Project submitted", None),
        (registered - timedelta(days=2), "Referred by the Foundation", None),
    ]
