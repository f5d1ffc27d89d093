"""A new cycle's default criteria (SPEC §5, the seed's 対策3), with rubrics for 1–5."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DefaultCriterion:
    code: str
    name_ja: str
    name_en: str
    rubric: tuple[str, str, str, str, str]  # texts for scores 1..5 (Japanese, as officials set)


DEFAULT_CRITERIA: tuple[DefaultCriterion, ...] = (
    DefaultCriterion(
        "model_activity",
        "事業・営業面の模範性",
        "Model activity in business and sales",
        (
            "ライセンス・事業化の実績がほとんどなく、営業活動も見られない。",
            "実績はあるが全国平均を大きく下回り、営業体制に課題が多い。",
            "全国平均並みの実績があり、営業活動も一定程度行われている。",
            "収益率・事業化率が平均を上回り、他機関の参考になる取組がある。",
            "収益率・ホームラン特許等で全国有数の実績を上げ、他機関の模範となっている。",
        ),
    ),
    DefaultCriterion(
        "regional_necessity",
        "地域における必要性",
        "Regional necessity",
        (
            "地域にとっての必要性が示されていない。",
            "必要性の説明はあるが、根拠が乏しい。",
            "地域の産業・大学との関係から一定の必要性が認められる。",
            "地域企業への技術移転実績等により、必要性が明確に示されている。",
            "地域に代替する機関がなく、地域の産学連携の中核として不可欠である。",
        ),
    ),
    DefaultCriterion(
        "self_improvement",
        "自助の改善努力",
        "Self-improvement effort",
        (
            "経営改善の計画も取組も見られない。",
            "改善計画はあるが具体性に欠け、実行されていない。",
            "具体的な改善計画があり、一部実行されている。",
            "改善計画が実行され、経費削減や収入増の成果が出始めている。",
            "抜本的な改善を実行し、収支が明確に改善している。",
        ),
    ),
    DefaultCriterion(
        "regional_support",
        "地域からの支援",
        "Support from the region",
        (
            "地域(自治体・地元産業界)からの支援がない。",
            "支援は名目的なものにとどまる。",
            "自治体または地元産業界から一定の支援を得ている。",
            "自治体と地元産業界の双方から継続的な支援を得ている。",
            "地域を挙げた支援体制があり、資金・人材の両面で支えられている。",
        ),
    ),
)
