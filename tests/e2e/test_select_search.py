"""The search box before a searchable select (static/js/select_search.js), in Chromium:
typing a reading hides the other options and the regions left empty; the chosen option
stays; clearing the box shows all again."""

from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "select_search.js"

FORM = """
<form><label for="id_partner">合併先</label>
<select id="id_partner" name="partner" data-searchable data-search-label="候補を検索"
        data-search-count="候補 {n}件">
  <option value="">---------</option>
  <optgroup label="北海道地区">
    <option value="1" data-search="北海道tlo ほっかいどうてぃーえるおー">北海道TLO</option>
  </optgroup>
  <optgroup label="関東地区">
    <option value="2" data-search="東京大学tlo とうきょうだいがくてぃーえるおー casti">東京大学TLO</option>
    <option value="3" data-search="農工大ティー・エル・オー のうこうだい" selected>農工大TLO</option>
  </optgroup>
</select></form>
"""


def _visible(page) -> list[str]:
    return page.eval_on_selector_all(
        "#id_partner option", "os => os.filter(o => o.value && !o.hidden).map(o => o.value)"
    )


def test_typing_a_reading_filters_the_options_and_keeps_the_chosen_one(page):
    page.set_content(FORM)
    page.add_script_tag(path=str(SCRIPT))

    search = page.get_by_label("候補を検索")
    search.fill("トウキョウ")  # katakana finds the hiragana reading

    assert _visible(page) == ["2", "3"]  # 3 is the chosen one: it stays
    hidden_groups = page.eval_on_selector_all(
        "#id_partner optgroup", "gs => gs.filter(g => g.hidden).map(g => g.label)"
    )
    assert hidden_groups == ["北海道地区"]
    assert "候補 2件" in page.inner_text("form")

    search.fill("CASTI")  # an alias, any case
    assert _visible(page) == ["2", "3"]

    search.fill("")
    assert _visible(page) == ["1", "2", "3"]
