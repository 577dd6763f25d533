"""Agglo in xlwings Lite: paste this file as ``main.py`` (with ``requirements.txt``).

xlwings Lite (Excel 365 / 2021+ on Windows and macOS, Excel on the web) runs Python in
the add-in's Pyodide; ``requirements.txt`` installs the pure-Python ``agglo`` wheel, which
carries both the measures (``agglo``) and their worksheet wrappers (``agglo_addin``).
The wrappers below are the very functions classic Excel calls, decorated with
``xlwings.func`` — here Lite's own decorators — so every ``=LQ(...)``, ``=HHI(...)``,
``=COUPLING(...)`` … behaves the same in both.  Invalid input shows ``#VALUE!`` with
the message on hover; undefined values show ``#N/A``.

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
    CAGR,
    CAGRCUM,
    CHINAWEIGHTS,
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
    DISTWEIGHTS,
    ECI,
    EG,
    ENTROPY,
    ENTROPYSCORE,
    GEARYC,
    GINI,
    GREYREL,
    GROWTHRATE,
    HHI,
    HOOVER,
    KNNWEIGHTS,
    KRUGMAN,
    LEADLAG,
    LISA,
    LOCGINI,
    LQ,
    LQGINI,
    LQSCORE,
    MARKOV,
    MORANI,
    MS,
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
    SHARE,
    SPATIALGINI,
    SPMARKOV,
    SPWEIGHTS,
    TOPSIS,
    TOPSISRANK,
)
