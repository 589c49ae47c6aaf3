"""The ministry's own dates, which bound every record's (docs/domain.md)."""

import datetime as dt

from volunteer_centre.thai import fiscal_year

# The Ministry of Social Development and Human Security (กระทรวงการพัฒนาสังคมและความมั่นคงของ
# มนุษย์) was founded on 3 October 2002 (B.E. 2545): no case of its centres, no registration in
# its programmes and no office of its centres is older. An earlier date is a mistyped year.
MINISTRY_FOUNDED = dt.date(2002, 10, 3)
# The fiscal years a record can have: from the ministry's first (B.E. 2546), with room after.
FIRST_FISCAL_YEAR = fiscal_year(MINISTRY_FOUNDED)
LAST_FISCAL_YEAR = 2700
