"""The studies the templates follow, cited in full: the 来源 lines of the sheets and the
来源 section of the 说明 sheet."""

from __future__ import annotations

#: The studies the templates follow, cited in full (来源 lines and the 说明 sheet): key →
#: (Chinese, English).  Only what the texts and their publication pages state is given;
#: a journal or year that could not be checked is said to be missing, never guessed.
CITATIONS = {
    "disparity": (
        (
            "Dagum, C.（1997）：A new approach to the decomposition of the Gini income inequality "
            "ratio，Empirical Economics 22(4): 515–531；Theil, H.（1967）：Economics and Information "
            "Theory，North-Holland；Rey, S. J.（2001）：Spatial empirics for economic growth and "
            "convergence，Geographical Analysis 33(3): 195–214"
        ),
        (
            "Dagum, C. (1997). A new approach to the decomposition of the Gini income inequality "
            "ratio. Empirical Economics 22(4), 515–531; Theil, H. (1967). Economics and "
            "Information Theory. North-Holland; Rey, S. J. (2001). Spatial empirics for economic "
            "growth and convergence. Geographical Analysis 33(3), 195–214"
        ),
    ),
    "nonferrous": (
        (
            "《有色金属产业集聚程度及其与竞争力之间的关系》（贵州省与西部九省，2013 年统计年鉴与"
            "《中国有色金属工业年鉴》数据；原文未载作者与刊期）"
        ),
        (
            "'有色金属产业集聚程度及其与竞争力之间的关系' (non-ferrous metals agglomeration and "
            "competitiveness, Guizhou and nine western provinces, 2013 yearbooks; the text names "
            "no author or journal)"
        ),
    ),
    "ceramics": (
        (
            "章立东、李奥（2021）：传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业为例，"
            "《江西社会科学》2021 年第 3 期"
        ),
        (
            "Zhang Lidong & Li Ao (2021). 传统制造业集群与区域经济高质量发展耦合研究——以陶瓷制造业"
            "为例 (traditional manufacturing clusters and regional high-quality development: "
            "ceramics). Jiangxi Social Sciences (江西社会科学), 2021(3)"
        ),
    ),
    "central_cities": (
        (
            "罗丹阳（中央民族大学）：增强中心城市聚集效应研究——以贵州省贵阳市为例（数据为 2018 年"
            "统计年鉴；原文未载刊期）"
        ),
        (
            "Luo Danyang (Minzu University of China). 增强中心城市聚集效应研究——以贵州省贵阳市为例 "
            "(strengthening the agglomeration effect of central cities: Guiyang; 2018 yearbook "
            "data; the text names no journal or year)"
        ),
    ),
}


def source_line(*keys: str) -> str:
    """The 来源 line of a sheet: the full citations of ``keys``."""
    return "来源 Source: " + "；".join(CITATIONS[k][0] for k in keys) + "。"


def sources_section(*keys: str) -> tuple[str, str, str]:
    """The 来源 section of the 说明 sheet."""
    return (
        "来源 / Sources",
        "\n".join(CITATIONS[k][0] + "。" for k in keys),
        "\n".join(CITATIONS[k][1] + "." for k in keys),
    )
