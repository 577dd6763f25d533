"""Agglo in xlwings Lite: paste this file as ``main.py``; append
``requirements.txt`` to Lite's own (keep its lines).

xlwings Lite (Excel 365 / 2021+ on Windows and macOS, Excel on the web) runs Python in
the add-in's Pyodide; ``requirements.txt`` installs the pure-Python ``agglo`` wheel, which
carries both the measures (``agglo``) and their worksheet wrappers (``agglo_addin``).
The wrappers below are the very functions classic Excel calls, decorated with
``xlwings.func`` — here Lite's own decorators — so every ``=LQRATIO(...)``, ``=HHI(...)``,
``=COUPLING(...)`` … behaves the same in both (the short classic-only aliases LQ, EG,
MS and SHARE are left out: Office needs 3+ letters and SHARE is an Excel 4.0 macro).
Invalid input shows ``#VALUE!`` with the message on hover; undefined values show ``#N/A``.

Scripts (task pane → Run, or bind a sheet button with ``@script(button=...)``):
``lq_sheet``, ``coupling_report``, ``entropy_topsis_report``, ``check_data`` — each works
on the current selection.
"""

from agglo_addin.scripts import (  # noqa: F401 (Lite registers what main.py holds)
    check_data,
    coupling_report,
    entropy_topsis_report,
    lq_sheet,
)
from agglo_addin.udfs import (  # noqa: F401
    AHP,
    AHPGROUP,
    AHPMATRIX,
    AHPRI,
    AHPTOTAL,
    AHPWEIGHTS,
    ATKINSON,
    BETACONV,
    CAGR,
    CAGRCUM,
    CHINAWEIGHTS,
    COEFVAR,
    COMPOSITE,
    COORDDEGREE,
    COORDINDEX,
    COORDLEVEL,
    CORRTEST,
    COUPLING,
    COUPLINGSTAGE,
    CRITIC,
    CRN,
    CTD,
    DAGUMGINI,
    DAGUMMATRIX,
    DISTWEIGHTS,
    ECI,
    EGINDEX,
    ENTROPY,
    ENTROPYSCORE,
    GEARYC,
    GINI,
    GREYFORECAST,
    GREYREL,
    GREYTEST,
    GROWTHRATE,
    HHI,
    HOOVER,
    ISAGGLOERROR,
    KDENSITY,
    KNNWEIGHTS,
    KRUGMAN,
    LEADLAG,
    LISA,
    LOCGINI,
    LORENZ,
    LQGINI,
    LQRATIO,
    LQSCORE,
    MARKOV,
    MORANI,
    MSINDEX,
    NBWEIGHTS,
    NORMALIZE,
    OBSTACLE,
    OLS,
    PCI,
    PRIMACY,
    PROFITMARGIN,
    PROXIMITY,
    RANDWEIGHTS,
    RELDENSITY,
    RESCALE,
    SHAREOF,
    SHIFTSHARE,
    SIGMACONV,
    SPATIALGINI,
    SPMARKOV,
    SPWEIGHTS,
    TAPIO,
    THEIL,
    TOPSIS,
    TOPSISRANK,
    WILLIAMSON,
)
