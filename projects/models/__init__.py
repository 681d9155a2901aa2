from projects.models.events import ProjectEvent
from projects.models.lines import FundingLine
from projects.models.project import MicroProject
from projects.models.study import Study
from projects.models.visits import FollowUpVisit

__all__ = ["FollowUpVisit", "FundingLine", "MicroProject", "ProjectEvent", "Study"]
