"""core.text: strict decoding of uploaded text, and echoing hostile text safely."""

import pytest

from core.text import UndecodableText, decode_text, display_file_name, safe_excerpt


def test_decode_text_reads_utf8_bom_and_cp932():
    assert decode_text("機関".encode()).encoding == "utf-8"
    assert decode_text(b"\xef\xbb\xbf" + "機関".encode()).encoding == "utf-8-sig"
    assert decode_text("機関".encode("cp932")).text == "機関"


def test_decode_text_refuses_a_nul_naming_its_line():
    with pytest.raises(UndecodableText) as caught:
        decode_text(b"code,name\r\nTLO-A,ab\x00c\r\n")
    assert (caught.value.byte, caught.value.line) == ("00", 2)


def test_safe_excerpt_shows_control_characters_and_cuts_long_text():
    assert safe_excerpt("a\x00b") == "a\u2400b"
    long = "9" * 5000
    shown = safe_excerpt(long)
    assert shown.startswith("9" * 100) and shown.endswith("…(5,000)")
    assert len(shown) < 120


def test_display_file_name_drops_paths_and_control_characters():
    assert display_file_name("C:\\Users\\x\\報告\x00.csv") == "報告.csv"
    assert display_file_name("../../etc/passwd") == "passwd"
    assert display_file_name("\x01\x02") == "upload"


def test_display_file_name_shows_direction_override_escaped():
    assert display_file_name("report\u202exslx.exe") == "report<U+202E>xslx.exe"


def test_validate_single_line_refuses_line_break_and_override():
    from django.core.exceptions import ValidationError

    from core.validators import validate_single_line

    validate_single_line("東京大学 TLO")
    for value in ("a\nb", "a\x0bb", "a\u202eb"):
        with pytest.raises(ValidationError):
            validate_single_line(value)


@pytest.mark.django_db
def test_hearing_place_with_line_break_is_refused():
    from institutions.models import User
    from reviews.forms import HearingForm

    form = HearingForm(
        {
            "version": "1",
            "date": "2026-01-05",
            "starts_at": "10:00",
            "ends_at": "11:00",
            "place": "会議室\nBcc: x@example.com",
        },
        attendee_choices=User.objects.none(),
    )
    assert not form.is_valid()
    assert "place" in form.errors
