"""A stand-in for the next app (projects): what it would contribute, found by discovery alone."""

from datetime import timedelta

from reintegration.lib.contributions import HomeCard, NavEntry

NAVIGATION = [NavEntry("Micro-projects", "home", visible=lambda user: user.role == "staff", count=lambda user: 4)]
HOME_CARDS = [HomeCard("contributing_app/card.html", context=lambda user: {"title": f"Projects of {user.username}"})]


def timeline_events(beneficiary, user):
    registered = beneficiary.created_at
    return [
        (registered + timedelta(days=30), "Project submitted", None),
        (registered - timedelta(days=2), "Referred by the Foundation", None),
    ]
