"""Schemathesis hooks: make the API fuzzing send what a hostile client
would at the edges, not only what the schema's types allow.

- Every `date-time` value is drawn from ordinary instants *and* the ends
  of the calendar (year 1, years 9999 and +262142, the Unix epoch, a
  second before midnight in Shanghai) next to plausible ones. The server
  must answer each with a 2xx or a 4xx envelope, never a 5xx or a
  dropped connection (the "not_a_server_error" check).

Long arrays come from the schema itself: every list a client may send
carries `maxItems`, and schemathesis' coverage phase sends lists at and
past it.

Loaded by scripts/test.sh through SCHEMATHESIS_HOOKS.
"""

from datetime import datetime, timedelta, timezone

import schemathesis
from hypothesis import strategies as st

_now = datetime.now(timezone.utc).replace(microsecond=0)

_EDGES = [
    "0001-01-01T00:00:00Z",
    "1970-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "+262142-12-31T23:59:59Z",
    "-262143-01-01T00:00:00Z",
    (_now - timedelta(days=367)).isoformat().replace("+00:00", "Z"),
    (_now + timedelta(days=2 * 366 + 1)).isoformat().replace("+00:00", "Z"),
    (_now.replace(hour=15, minute=59, second=59)).isoformat().replace("+00:00", "Z"),
]

_PLAUSIBLE = st.integers(min_value=-300, max_value=700).map(
    lambda days: (_now + timedelta(days=days)).isoformat().replace("+00:00", "Z")
)

schemathesis.openapi.format("date-time", st.one_of(st.sampled_from(_EDGES), _PLAUSIBLE))
