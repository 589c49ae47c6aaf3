from cases.models.cases import *  # noqa: F403
