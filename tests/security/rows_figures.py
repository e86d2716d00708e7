"""Permission matrix rows for the managers' figures: the page, its CSV downloads, the population page and the API.

Any manager may open the figures (the VRU's cover everything; another organisation's manager sees its own
work, which tests/reporting checks). Of the matrix roles only the VRU's manager is a manager, so everyone
else gets 403 (the API answers 401 to anonymous callers). The population reference data is the VRU
managers' alone.
"""

from .matrix import Row, all_
from .rows_api import API

ROWS = [
    Row("figures", **all_(403, vru_manager=200)),
    Row("figures-section", kwargs=lambda o: {"section": "triage"}, **all_(403, vru_manager=200)),
    Row("figures-section", kwargs=lambda o: {"section": "disproportionality"}, **all_(403, vru_manager=200)),
    Row("figures-csv", kwargs=lambda o: {"section": "referrals"}, **all_(403, vru_manager=200)),
    Row("figures-csv", kwargs=lambda o: {"section": "disproportionality"}, **all_(403, vru_manager=200)),
    Row("figures-population", **all_(403, vru_manager=200)),
    Row("api-figures-list", anonymous=API, **all_(403, vru_manager=200)),
    Row("api-figures-detail", kwargs=lambda o: {"section": "triage"}, anonymous=API, **all_(403, vru_manager=200)),
]
