"""The submission benchmark's throw-away site: the product's settings with the URLs of bare_site.urls.

Only bench/reports_submit.py starts a server with these settings; the product never ships them.
"""

from kotacerdas.settings import *  # noqa: F403

ROOT_URLCONF = "bare_site.urls"
