"""Text outputs as a terminal shows them: a progress bar's final state, not every redraw.

A text progress bar (tqdm) redraws its line with carriage returns, and every
redraw reaches an executed notebook as its own stream output. A terminal or
JupyterLab shows the last state; a static page (the book, an HTML report) would
show every state, one per line.
"""

from __future__ import annotations

from pmed_utils.validation import InvalidParameterError, validate_params

__all__ = ["apply_carriage_returns", "merge_stream_outputs"]


@validate_params({"text": ["str"]})
def apply_carriage_returns(text: str) -> str:
    """What a terminal shows: on each line, only the text after the last carriage return.

    Parameters
    ----------
    text : str
        A stream's text, with ``\\r`` redraws and ``\\n`` line ends.

    Returns
    -------
    str
        The same lines, each reduced to its last non-empty redraw.

    Examples
    --------
    >>> apply_carriage_returns("\\r 0%\\r50%\\r100%\\ndone\\r\\n")
    '100%\\ndone\\n'
    """
    lines = []
    for line in text.split("\n"):
        parts = [part for part in line.split("\r") if part]
        lines.append(parts[-1] if parts else "")
    return "\n".join(lines)


@validate_params({"outputs": [list]})
def merge_stream_outputs(outputs: list) -> list:
    """Join consecutive stream outputs of the same stream and apply their carriage returns.

    Parameters
    ----------
    outputs : list of dict
        A code cell's outputs (nbformat v4); other outputs are kept as they are, in order.

    Returns
    -------
    list of dict
        New output dicts for the streams; the input list is not changed.

    Examples
    --------
    >>> outs = [{"output_type": "stream", "name": "stderr", "text": "\\rbar  50%"},
    ...         {"output_type": "stream", "name": "stderr", "text": "\\rbar 100%"},
    ...         {"output_type": "stream", "name": "stderr", "text": "\\n"}]
    >>> merge_stream_outputs(outs)
    [{'output_type': 'stream', 'name': 'stderr', 'text': 'bar 100%\\n'}]
    """
    for i, output in enumerate(outputs):
        if not isinstance(output, dict):
            raise InvalidParameterError(
                "The 'outputs' parameter of merge_stream_outputs must be a list of dicts "
                f"(nbformat outputs); item {i} is {output!r}."
            )
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            merged[-1] = {**previous, "text": previous["text"] + _text(output)}
        elif output.get("output_type") == "stream":
            merged.append({**output, "text": _text(output)})
        else:
            merged.append(output)
    for i, output in enumerate(merged):
        if output.get("output_type") == "stream" and "\r" in output["text"]:
            merged[i] = {**output, "text": apply_carriage_returns(output["text"])}
    return merged


def _text(output) -> str:
    text = output.get("text", "")
    return "".join(text) if isinstance(text, list) else text  # nbformat allows a list of lines
