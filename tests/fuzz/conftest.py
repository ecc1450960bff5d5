# The URL sweep's tenants, built once per module: every example of a test writes inside the
# test's own transaction (tests/fuzz/values.py `example` rolls each back on its own).
from tests.sro_portal.test_url_access import (  # noqa: F401
    media_root,
    other_tenant,
    shared,
    state_staff,
    tenant,
)
