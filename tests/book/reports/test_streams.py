import nbformat
import pytest

from pmed_utils.book.reports import apply_carriage_returns, merge_stream_outputs


def _stream(name, text):
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_a_progress_bar_keeps_its_final_state_and_other_outputs_keep_their_order():
    figure = nbformat.v4.new_output("display_data", data={"image/png": "iVBOR"})
    outputs = [
        _stream("stdout", "training\n"),
        _stream("stderr", "\rfit:   0%|  | 0/2"),
        _stream("stderr", "\rfit:  50%|# | 1/2"),
        _stream("stderr", "\rfit: 100%|##| 2/2"),
        _stream("stderr", "\n"),
        figure,
        _stream("stderr", "\rCV: 100%"),
        _stream("stdout", "done\n"),
    ]
    before = [dict(o) for o in outputs]
    merged = merge_stream_outputs(outputs)
    assert [(o["output_type"], o.get("name"), o.get("text")) for o in merged] == [
        ("stream", "stdout", "training\n"),
        ("stream", "stderr", "fit: 100%|##| 2/2\n"),
        ("display_data", None, None),
        ("stream", "stderr", "CV: 100%"),
        ("stream", "stdout", "done\n"),
    ]
    assert merged[2] is figure
    assert [dict(o) for o in outputs] == before  # the caller's outputs are not changed


def test_stream_text_given_as_a_list_of_lines_is_joined():
    merged = merge_stream_outputs(
        [
            {"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]},
            {"output_type": "stream", "name": "stdout", "text": "c\n"},
        ]
    )
    assert merged == [{"output_type": "stream", "name": "stdout", "text": "a\nb\nc\n"}]


def test_carriage_returns_per_line():
    assert apply_carriage_returns("a\rb\rc\nd\n") == "c\nd\n"
    assert apply_carriage_returns("plain\ntext") == "plain\ntext"
    assert apply_carriage_returns("bar 100%\r\n") == "bar 100%\n"
    assert merge_stream_outputs([]) == []


def test_outputs_that_are_not_dicts_are_refused_by_position():
    with pytest.raises(
        TypeError,
        match=r"'outputs' parameter of merge_stream_outputs must be a list of dicts "
        r"\(nbformat outputs\); item 1 is 'text'\.",
    ):
        merge_stream_outputs([{"output_type": "stream", "name": "stdout", "text": "a"}, "text"])
