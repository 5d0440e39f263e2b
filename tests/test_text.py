from themes.text import linked, yuan


def test_a_notice_body_links_its_addresses_and_escapes_the_rest() -> None:
    body = "请设置口令：\nhttp://sunshine.test:8000/t/jinan/invitations/abc?x=1&y=2。<b>注意</b>"
    shown = str(linked(body))
    assert (
        '<a href="http://sunshine.test:8000/t/jinan/invitations/abc?x=1&amp;y=2">'
        "http://sunshine.test:8000/t/jinan/invitations/abc?x=1&amp;y=2</a>。" in shown
    )
    assert "&lt;b&gt;注意&lt;/b&gt;" in shown and "<b>" not in shown
    assert str(linked("javascript:alert(1) 与 ftp://x")) == "javascript:alert(1) 与 ftp://x"


def test_an_amount_in_fen_is_shown_in_yuan_with_grouped_thousands() -> None:
    assert yuan(123456789) == "1,234,567.89"
    assert yuan(5) == "0.05"
    assert yuan(-250) == "-2.50"
    assert yuan(None) == ""
