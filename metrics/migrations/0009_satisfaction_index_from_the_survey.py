"""The satisfaction index's description says where its values come from: the customers'
answers from the first survey's fiscal year on, the TLO's own scores before it. A frozen
copy of the text, so that a later change to the defaults cannot change this migration."""

from django.db import migrations
from django.utils import timezone

DESCRIPTION_JA = (
    "満足度(窓口・契約手続き・知財の取扱い)の三つの平均(1〜5)。最初の顧客調査の年度からは"
    "TLOの顧客(ライセンス先・共同研究先等)への調査の回答から算出し(「該当しない」を除く"
    "各項目の平均の平均、回答5件以上の場合のみ)、それ以前の年度はTLOが年次報告に記入した"
    "自己申告の評点による。"
)
DESCRIPTION_EN = (
    "Mean of the three satisfaction scores (1–5). From the fiscal year of the first "
    "customer survey on, from the answers of the TLO's customers (licensees, joint "
    "research partners): the mean of each question's mean, 「該当しない」 left out, "
    "only with at least 5 answers; earlier years, the scores the TLO reported about "
    "itself (self-reported)."
)
OLD_JA = "満足度(窓口・契約手続き・知財の取扱い)の三つの平均(1〜5)。"
OLD_EN = "Mean of the three satisfaction scores (1–5)."


def _describe(apps, ja: str, en: str, was_ja: str) -> None:
    Definition = apps.get_model("metrics", "MetricDefinition")
    History = apps.get_model("metrics", "HistoricalMetricDefinition")
    for definition in Definition.objects.filter(code="satisfaction_index", description_ja=was_ja):
        definition.description_ja, definition.description_en = ja, en
        definition.save(update_fields=["description_ja", "description_en"])
        fields = {f.attname: getattr(definition, f.attname) for f in Definition._meta.concrete_fields}
        History.objects.create(
            **fields,
            history_date=timezone.now(),
            history_type="~",
            history_change_reason="default definitions",
        )


def forward(apps, schema_editor):
    _describe(apps, DESCRIPTION_JA, DESCRIPTION_EN, OLD_JA)


def backward(apps, schema_editor):
    _describe(apps, OLD_JA, OLD_EN, DESCRIPTION_JA)


class Migration(migrations.Migration):
    dependencies = [("metrics", "0008_survey_results")]
    operations = [migrations.RunPython(forward, backward)]
