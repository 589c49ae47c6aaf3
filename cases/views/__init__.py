"""Staff pages for centre chairs and staff: their cases, on a phone."""

from cases.views.corrections import *  # noqa: F403
