"""Staff forms for cases. Forms only clean input; the views hand it to cases.services."""

from cases.forms.corrections import *  # noqa: F403
