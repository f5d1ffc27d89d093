"""Partner universities under their full names, with the seed's abbreviations as aliases.

Earlier versions of the registry stored a TLO's partner universities as the seed writes
them (東大, 京大, …). This renames each such university to its full name (東京大学) and
keeps the abbreviation as an alias, so that names in files still match. Where an
institution of that full name exists already (the university's IP headquarters, from
the autonomy-programme list), the partnerships move to it and the abbreviated record is
removed, as a fresh load of the registry would have it. Codes are kept: links to an
institution's page keep working. Running it on a database without such records does
nothing.

The name normaliser is copied here as it was (institutions.names.normalise_name), so
that a later change to it cannot change what this migration does.
"""

import re
import unicodedata

from django.db import migrations
from django.db.models import ProtectedError

# institutions.names as it was when this migration was written.
_LEGAL_FORM_MARKS = re.compile(
    r"\((?:株|有|財|同|社|一財|公財|一社|公社|独)\)"
    r"|株式会社|有限会社|合同会社|一般財団法人|公益財団法人|財団法人|一般社団法人|社団法人"
)
_SPACES = re.compile(r"[\s\u3000]+")


def normalise_name(name):
    """The form two spellings of one name share: NFKC, no legal-form marks, no spaces."""
    text = unicodedata.normalize("NFKC", name or "")
    text = _LEGAL_FORM_MARKS.sub("", text)
    text = _SPACES.sub("", text)
    return text.casefold()


# The seed's abbreviation → the full name (institutions/data/university_names.csv).
FULL_NAMES = {
    "日大": "日本大学",
    "早大": "早稲田大学",
    "慶大": "慶應義塾大学",
    "電機大": "東京電機大学",
    "明大": "明治大学",
    "日医大": "日本医科大学",
    "日獣医大": "日本獣医生命科学大学",
    "理科大": "東京理科大学",
    "佐賀大": "佐賀大学",
    "千葉大": "千葉大学",
    "東工大": "東京工業大学",
    "富山大": "富山大学",
    "群馬大": "群馬大学",
    "奈良先端大": "奈良先端科学技術大学院大学",
    "東海大": "東海大学",
    "東京医科歯科大": "東京医科歯科大学",
    "山梨大": "山梨大学",
    "北大": "北海道大学",
    "東大": "東京大学",
    "山口大": "山口大学",
    "九州大": "九州大学",
    "農工大": "東京農工大学",
    "電通大": "電気通信大学",
    "豊橋技科大": "豊橋技術科学大学",
    "神戸大": "神戸大学",
    "京大": "京都大学",
    "立命館大": "立命館大学",
    "東北大": "東北大学",
    "名大": "名古屋大学",
    "創価大": "創価大学",
    "都立大": "東京都立大学",
    "横国大": "横浜国立大学",
    "横浜市大": "横浜市立大学",
    "阪大等大阪府内8大学": "大阪大学等大阪府内8大学",
    "熊本大": "熊本大学",
    "新潟大": "新潟大学",
    "三重大": "三重大学",
    "九工大": "九州工業大学",
    "金沢大": "金沢大学",
    "鹿児島大": "鹿児島大学",
    "信州大": "信州大学",
    "宮崎大": "宮崎大学",
    "大分大": "大分大学",
    "広島大": "広島大学",
    "岡山大": "岡山大学",
    "長岡技大": "長岡技術科学大学",
    "静岡大": "静岡大学",
}
UNIVERSITY = "university"


def _add_alias(InstitutionAlias, institution, name):
    normalised = normalise_name(name)
    if normalised == normalise_name(institution.name_ja):
        return
    InstitutionAlias.objects.get_or_create(
        institution=institution, normalised=normalised, defaults={"name": name}
    )


def full_names(apps, schema_editor):
    Institution = apps.get_model("institutions", "Institution")
    InstitutionAlias = apps.get_model("institutions", "InstitutionAlias")
    Partnership = apps.get_model("institutions", "Partnership")
    for abbreviation, full in FULL_NAMES.items():
        for short in Institution.objects.filter(kind=UNIVERSITY, name_ja=abbreviation):
            target = (
                Institution.objects.filter(name_ja=full).exclude(pk=short.pk).order_by("kind").first()
            )
            if target is None:
                short.name_ja = full
                short.save(update_fields=["name_ja"])
                _add_alias(InstitutionAlias, short, abbreviation)
                continue
            for partnership in Partnership.objects.filter(university=short):
                if partnership.tlo_id != target.pk:
                    Partnership.objects.get_or_create(tlo_id=partnership.tlo_id, university=target)
                partnership.delete()
            _add_alias(InstitutionAlias, target, abbreviation)
            try:
                short.delete()
            except ProtectedError:  # referenced elsewhere (a successor): keep it, renamed
                short.name_ja = full
                short.save(update_fields=["name_ja"])
                _add_alias(InstitutionAlias, short, abbreviation)


class Migration(migrations.Migration):
    dependencies = [("institutions", "0002_user_amount_unit")]

    operations = [migrations.RunPython(full_names, migrations.RunPython.noop)]
