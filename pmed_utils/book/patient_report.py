"""A one-page personal risk report: one self-contained HTML file (and a PDF printed by Chromium).

:func:`write_patient_report` renders a :class:`pmed_utils.evaluation.PersonalRisk`
(the numbers; nothing is computed here) as one HTML page with inline CSS and
figures embedded as base64 PNG, so that it opens offline and refers to no URL;
``@media print`` rules fit it on one or two A4 pages. Every number in the text,
including the plain-language paragraphs in English and Chinese, is filled in
from the ``PersonalRisk``; the page says that the person is simulated and shows
no identifying data (only the cohort's pseudonymous id).
"""

from __future__ import annotations

import base64
import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np

from pmed_utils.evaluation import PersonalRisk
from pmed_utils.validation import validate_params

__all__ = ["find_chromium", "html_to_pdf", "report_fields", "write_patient_report"]

_KIND_COLOURS = {"modality": "#1f77b4", "modifiable": "#d95f02", "other": "#7f7f7f", "baseline": "#bbbbbb"}
_TERM_NAMES = {
    "baseline": ("baseline (average person)", "基线（平均水平）"),
    "image": ("image", "影像"),
    "prs": ("polygenic score", "多基因风险评分"),
    "genotype": ("genotype", "基因型"),
    "bmi": ("BMI", "体重指数"),
    "smoking": ("smoking", "吸烟"),
    "age": ("age", "年龄"),
    "sex": ("sex", "性别"),
}


def _scenario_zh(name: str) -> str:
    """Chinese for the standard what-if scenarios of personal_risk (a custom name is kept as given)."""
    fixed = {"as now": "保持现状", "stops smoking": "戒烟", "starts smoking": "开始吸烟", "both changes": "两项同时改变",
             "BMI 5 higher": "体重指数增加 5"}  # fmt: skip
    if name in fixed:
        return fixed[name]
    match = re.fullmatch(r"BMI lowered to (\S+)", name)
    return f"体重指数降至 {match.group(1)}" if match else name


def _pct(x: float) -> str:
    """A probability as a percentage: one decimal, two below 1% (so that a small risk is not "0.0%")."""
    if not np.isfinite(x):
        return "n/a"
    if x >= 0.9995:
        return ">99.9%"  # not "100.0%": a model's risk is never certain
    return f"{100 * x:.2f}%" if abs(x) < 0.01 else f"{100 * x:.1f}%"


def _num(x: float, digits: int = 2) -> str:
    return "n/a" if not np.isfinite(x) else f"{x:+.{digits}f}"


def _ordinal(x: float) -> str:
    if not np.isfinite(x):
        return "n/a"
    return f"{x:.0f}"


@validate_params({"personal_risk": [PersonalRisk]})
def report_fields(personal_risk: PersonalRisk) -> dict[str, str]:
    """The report's numbers as the page prints them: field name → text.

    Every number on the page (and in both plain-language paragraphs) is one
    of these strings, so a test can compare the page with the computation.

    Parameters
    ----------
    personal_risk : PersonalRisk
        The person's numbers, from :func:`pmed_utils.evaluation.personal_risk`.

    Returns
    -------
    dict of str to str
        ``risk``, ``risk_low``, ``risk_high`` (percentages), ``threshold``,
        ``prs`` (signed, 2 decimals), ``prs_percentile`` (0–100, no decimals),
        ``group_share``, ``sensitivity``, ``ppv`` (with ``_low``/``_high``),
        ``n_evaluation``, and ``whatif_<i>`` (risk of scenario i).

    Examples
    --------
    >>> from pmed_utils.results import Estimate
    >>> import pandas as pd
    >>> r = PersonalRisk(person_id="P001", profile={}, risk=Estimate(0.123, 0.08, 0.18), log_odds=-1.96,
    ...     contributions=pd.Series({"baseline": -1.96}), term_kinds={"baseline": "baseline"}, prs=0.5,
    ...     prs_percentile=69.1, prs_reference=np.zeros(3), reference_population="CEU", group_share=0.6,
    ...     n_reference=3, n_train=5, scarce=False, what_if=pd.DataFrame({"risk": [0.123]}), threshold=0.2,
    ...     flagged=False, uncertain=False, sensitivity=Estimate(0.7, 0.6, 0.8), ppv=Estimate(0.3, 0.2, 0.4),
    ...     evaluation_split="validation", n_evaluation=100, n_evaluation_cases=10)
    >>> f = report_fields(r)
    >>> f["risk"], f["prs"], f["prs_percentile"], f["whatif_0"]
    ('12.3%', '+0.50', '69', '12.3%')
    """
    r = personal_risk
    fields = {
        "risk": _pct(r.risk.value),
        "risk_low": _pct(r.risk.low),
        "risk_high": _pct(r.risk.high),
        "level": f"{100 * r.risk.level:.0f}%",
        "threshold": _pct(r.threshold),
        "prs": _num(r.prs),
        "prs_percentile": _ordinal(r.prs_percentile),
        "group_share": _pct(r.group_share),
        "n_reference": str(r.n_reference),
        "sensitivity": _pct(r.sensitivity.value),
        "sensitivity_low": _pct(r.sensitivity.low),
        "sensitivity_high": _pct(r.sensitivity.high),
        "ppv": _pct(r.ppv.value),
        "ppv_low": _pct(r.ppv.low),
        "ppv_high": _pct(r.ppv.high),
        "n_evaluation": str(r.n_evaluation),
    }
    for i, risk in enumerate(r.what_if["risk"].to_numpy(dtype=float)):
        fields[f"whatif_{i}"] = _pct(risk)
    return fields


def _png(fig) -> str:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height))
    fig.set_facecolor("white")
    return fig


def _image_panel(r: PersonalRisk) -> str:
    if r.image is None:
        return (
            '<div class="placeholder" data-field="no-image">No image for this person: the risk rests on the '
            "genotype and the recorded factors only (the model's fallback).</div>"
        )
    fig = _figure(3.6, 1.9)
    axes = fig.subplots(1, 2)
    axes[0].imshow(r.image, cmap="gray")
    axes[0].set_title("image", fontsize=8)
    axes[1].imshow(r.image, cmap="gray")
    if r.saliency is not None:
        axes[1].imshow(r.saliency, cmap="inferno", alpha=0.55)
        axes[1].set_title("saliency overlay", fontsize=8)
    else:
        axes[1].text(
            0.5, 0.5, "saliency map\nnot available\n(placeholder)", ha="center", va="center",
            transform=axes[1].transAxes, fontsize=8, color="white",
            bbox={"facecolor": "#444444", "alpha": 0.8, "edgecolor": "none"},
        )  # fmt: skip
        axes[1].set_title("saliency: placeholder", fontsize=8)
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    note = (
        "Bright areas are those that moved the image model's output most."
        if r.saliency is not None
        else "Placeholder: no saliency map was supplied for this image."
    )
    alt = "The person's simulated-cohort image, left plain, right with " + (
        "a saliency map overlaid." if r.saliency is not None else "a placeholder where the saliency map will go."
    )
    return (
        f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{_png(fig)}">'
        f'<p class="small" data-field="saliency-note">{note}</p>'
    )


def _prs_panel(r: PersonalRisk, f: dict[str, str]) -> str:
    if not np.isfinite(r.prs):
        return '<div class="placeholder">No genotypes for this person: no polygenic score.</div>'
    fig = _figure(3.6, 1.9)
    ax = fig.subplots()
    ref = np.asarray(r.prs_reference, dtype=float)
    if ref.size:
        ax.hist(ref, bins=30, color="#9ecae1", edgecolor="white")
    ax.axvline(r.prs, color="#d62728", lw=2)
    ax.set_xlabel(f"polygenic score, {r.reference_population} training people", fontsize=8)
    ax.set_ylabel("people", fontsize=8)
    ax.tick_params(labelsize=7)
    ax.set_title(f"this person: percentile {f['prs_percentile']}", fontsize=8)
    alt = (
        f"Histogram of the polygenic scores of the {r.n_reference} training people of the "
        f"{r.reference_population} group, with this person's score marked at percentile {f['prs_percentile']}."
    )
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{_png(fig)}">'


def _contributions_panel(r: PersonalRisk) -> tuple[str, str]:
    terms = [t for t in r.contributions.index if t != "baseline"]
    values = r.contributions[terms].to_numpy(dtype=float)
    fig = _figure(3.6, 0.35 * len(terms) + 0.8)
    ax = fig.subplots()
    colours = [_KIND_COLOURS[r.term_kinds.get(t, "other")] for t in terms]
    ax.barh([_TERM_NAMES.get(t, (t, t))[0] for t in terms], values, color=colours)
    ax.axvline(0, color="black", lw=0.8)
    ax.invert_yaxis()
    ax.set_xlabel("contribution to the log-odds (vs the baseline)", fontsize=8)
    ax.tick_params(labelsize=7)
    alt = "Bar chart of each term's contribution to the log-odds: " + ", ".join(
        f"{_TERM_NAMES.get(t, (t, t))[0]} {_num(v)}" for t, v in zip(terms, values, strict=True)
    )
    img = f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{_png(fig)}">'
    rows = "".join(
        f"<tr><td>{html.escape(_TERM_NAMES.get(t, (t, t))[0])}</td><td>{r.term_kinds.get(t, 'other')}</td>"
        f'<td class="num" data-field="contribution-{html.escape(t)}">{_num(float(v))}</td></tr>'
        for t, v in r.contributions.items()
    )
    total = (
        f'<tr class="total"><td>log-odds (sum)</td><td></td>'
        f'<td class="num" data-field="log_odds">{_num(r.log_odds)}</td></tr>'
    )
    table = f"<table><tr><th>term</th><th>kind</th><th>log-odds</th></tr>{rows}{total}</table>"
    return img, table


def _what_if_table(r: PersonalRisk) -> str:
    w = r.what_if
    factors = [c for c in ("bmi", "smoking") if c in w.columns]
    head = "".join(f"<th>{c.upper() if c == 'bmi' else c}</th>" for c in factors)
    rows = []
    for i, row in w.reset_index(drop=True).iterrows():
        cells = "".join(
            f"<td class='num'>{row[c]:.1f}</td>" if c == "bmi" else f"<td>{'yes' if row[c] else 'no'}</td>"
            for c in factors
        )
        change = "" if i == 0 else ("no change" if abs(row["change"]) < 5e-4 else f"{100 * row['change']:+.1f} pp")
        rows.append(
            f"<tr><td>{html.escape(str(row.get('scenario', i)))}</td>{cells}"
            f"<td class='num' data-field='whatif_{i}'>{_pct(row['risk'])}</td>"
            f"<td class='num'>{_pct(row['low'])}–{_pct(row['high'])}</td><td class='num'>{change}</td></tr>"
        )
    return (
        f"<table><tr><th>scenario</th>{head}<th>risk</th><th>{100 * r.risk.level:.0f}% interval</th>"
        f"<th>change</th></tr>{''.join(rows)}</table>"
    )


def _paragraphs(r: PersonalRisk, f: dict[str, str]) -> tuple[str, str]:
    decision_en = (
        "is above the clinic's threshold, so the recommendation is a follow-up examination"
        if r.flagged
        else "is below the clinic's threshold, so the recommendation is routine care"
    )
    decision_zh = "高于诊所的阈值，因此建议进一步检查" if r.flagged else "低于诊所的阈值，因此建议常规随访"
    w = r.what_if.reset_index(drop=True)
    best = int(np.argmin(w["risk"].to_numpy(dtype=float)))
    if best > 0 and w.loc[best, "risk"] < w.loc[0, "risk"] - 5e-4:
        scen = str(w.loc[best, "scenario"])
        whatif_en = f" In the what-if analysis, the scenario “{scen}” would give a risk of {f[f'whatif_{best}']}."
        whatif_zh = f"在假设分析中，情景“{_scenario_zh(scen)}”的风险为 {f[f'whatif_{best}']}。"
    else:
        whatif_en = " Changing BMI or smoking would not lower the predicted risk."
        whatif_zh = "改变体重指数或吸烟状况不会降低预测风险。"
    if np.isfinite(r.prs):
        prs_en = (
            f" Their polygenic score is at percentile {f['prs_percentile']} among the "
            f"{r.reference_population} training people."
        )
        prs_zh = f"其多基因风险评分在{r.reference_population}组训练人群中位于第 {f['prs_percentile']} 百分位数。"
    else:
        prs_en, prs_zh = " There are no genotypes for this person.", "此人没有基因型数据。"
    scarce_en = (
        f" Caution: only {f['group_share']} of the training people were from this group, so the score is less reliable."
        if r.scarce
        else ""
    )
    scarce_zh = f"注意：训练人群中只有 {f['group_share']} 来自该组，因此评分的可靠性较低。" if r.scarce else ""
    names = {"image": ("image", "影像"), "genotype": ("genotype", "基因型")}
    lacking_en = "".join(
        f" There is no {names[m][0]} for this person, so the risk rests on the other data."
        for m in r.missing_modalities
    )
    lacking_zh = "".join(f"此人没有{names[m][1]}数据，因此风险仅基于其他数据。" for m in r.missing_modalities)
    en = (
        f"This is a simulated person, not a real patient.{lacking_en} The model estimates a risk of {f['risk']} "
        f"({f['level']} interval {f['risk_low']} to {f['risk_high']}), which {decision_en} "
        f"(threshold {f['threshold']}).{prs_en}{scarce_en}{whatif_en} At this threshold the model finds "
        f"{f['sensitivity']} of the people who have the disease, and {f['ppv']} of the people it flags "
        f"have it (measured on {f['n_evaluation']} {r.evaluation_split} people)."
    )
    zh = (
        f"这是一个模拟的人，不是真实的患者。{lacking_zh}模型估计的患病风险为 {f['risk']}"
        f"（{f['level']} 区间 {f['risk_low']} 至 {f['risk_high']}），{decision_zh}"
        f"（阈值 {f['threshold']}）。{prs_zh}{scarce_zh}{whatif_zh}在该阈值下，模型能发现 "
        f"{f['sensitivity']} 的患者（灵敏度），被标记者中有 {f['ppv']} 确实患病（阳性预测值），"
        f"这些数字来自 {f['n_evaluation']} 名{'验证集' if r.evaluation_split == 'validation' else '测试集'}人员。"
    )
    return en, zh


_CSS = """
*{box-sizing:border-box}
body{font-family:"DejaVu Sans","Noto Sans",Arial,sans-serif;color:#111;background:#fff;margin:0 auto;
max-width:60rem;padding:1rem;font-size:14px;line-height:1.4}
h1{font-size:1.35rem;margin:.2rem 0}h2{font-size:1rem;margin:.4rem 0 .3rem;border-bottom:1px solid #ccc}
.banner{background:#fff3cd;border:2px solid #b8860b;padding:.4rem .6rem;font-weight:bold;margin-bottom:.5rem}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:.6rem 1rem}
section{break-inside:avoid;page-break-inside:avoid}
.headline{font-size:1.2rem}.risk{font-size:1.6rem;font-weight:bold}
.flag{padding:.3rem .5rem;border-radius:4px;display:inline-block;font-weight:bold}
.flag.yes{background:#f8d7da;border:1px solid #a52834}.flag.no{background:#d1e7dd;border:1px solid #146c43}
.warn{background:#fde2e1;border-left:4px solid #a52834;padding:.3rem .5rem;margin:.3rem 0}
.placeholder{background:#eee;border:1px dashed #777;padding:1.2rem .6rem;text-align:center;color:#333}
table{border-collapse:collapse;width:100%;font-size:.85rem}td,th{border-bottom:1px solid #ddd;padding:2px 4px;
text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}tr.total td{font-weight:bold}
img{max-width:100%;height:auto}.small{font-size:.8rem;color:#333;margin:.2rem 0}
.plain p{margin:.3rem 0}footer{font-size:.75rem;color:#333;margin-top:.5rem;border-top:1px solid #ccc}
@page{size:A4;margin:10mm}
@media print{body{max-width:none;padding:0;font-size:10.5px}.grid{gap:.3rem .6rem}
h1{font-size:1.15rem}.risk{font-size:1.3rem}img{max-height:48mm}}
"""


@validate_params({"personal_risk": [PersonalRisk], "path": ["path"], "pdf": ["path", None], "title": ["str"]})
def write_patient_report(
    personal_risk: PersonalRisk,
    path: str | Path,
    *,
    pdf: str | Path | None = None,
    title: str = "Personal risk report",
) -> Path:
    """Write one person's risk report as a self-contained HTML page (and optionally a PDF).

    Parameters
    ----------
    personal_risk : PersonalRisk
        The numbers, from :func:`pmed_utils.evaluation.personal_risk`.
    path : str or Path
        The ``.html`` file to write (its folder must exist; a file there is replaced).
    pdf : str, Path or None, default None
        Also print the page to this ``.pdf`` with headless Chromium
        (:func:`html_to_pdf`).
    title : str, default "Personal risk report"
        The page's heading.

    Returns
    -------
    Path
        The HTML file written.

    Raises
    ------
    ValueError
        When ``path`` does not end in ``.html`` or cannot be written, or ``pdf``
        does not end in ``.pdf``.
    RuntimeError
        When a PDF is asked for and no Chromium is installed.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from pmed_utils.results import Estimate
    >>> r = PersonalRisk(person_id="P001", profile={"population": "CEU", "bmi": 31.0, "smoking": 1},
    ...     risk=Estimate(0.31, 0.22, 0.41), log_odds=-0.8, contributions=pd.Series(
    ...     {"baseline": -2.0, "prs": 0.5, "bmi": 0.3, "smoking": 0.4}), term_kinds={"baseline": "baseline",
    ...     "prs": "modality", "bmi": "modifiable", "smoking": "modifiable"}, prs=0.9, prs_percentile=81.0,
    ...     prs_reference=np.random.default_rng(0).normal(size=200), reference_population="CEU",
    ...     group_share=0.7, n_reference=200, n_train=290, scarce=False, what_if=pd.DataFrame(
    ...     {"scenario": ["as now", "stops smoking"], "bmi": [31.0, 31.0], "smoking": [1.0, 0.0],
    ...     "risk": [0.31, 0.23], "low": [0.22, 0.15], "high": [0.41, 0.32], "change": [0.0, -0.08]}),
    ...     threshold=0.2, flagged=True, uncertain=False, sensitivity=Estimate(0.7, 0.6, 0.8),
    ...     ppv=Estimate(0.3, 0.2, 0.4), evaluation_split="validation", n_evaluation=100, n_evaluation_cases=10)
    >>> tmp = tempfile.TemporaryDirectory()
    >>> page = write_patient_report(r, Path(tmp.name) / "p001.html").read_text(encoding="utf-8")
    >>> "SIMULATED" in page, "31.0%" in page, "http://" in page or "https://" in page
    (True, True, False)
    >>> tmp.cleanup()
    """
    from pmed_utils.book.cli import check_output_path

    out = check_output_path(path, "patient")
    pdf_out = None
    if pdf is not None:
        if Path(pdf).suffix.lower() != ".pdf":
            raise ValueError(
                f"The 'pdf' parameter of write_patient_report must be a .pdf file; got {Path(pdf).name!r}."
            )
        pdf_out = check_output_path(Path(pdf).with_suffix(".html"), "patient").with_suffix(".pdf")
    r = personal_risk
    f = report_fields(r)
    esc = html.escape
    profile = r.profile
    facts = []
    for key, label in (("population", "ancestry group"), ("sex", "sex"), ("age", "age"), ("bmi", "BMI"),
                       ("smoking", "smoking")):  # fmt: skip
        if key in profile:
            value = profile[key]
            if key == "sex":
                value = {0: "female", 1: "male"}.get(value, value)
            elif key == "smoking":
                value = "yes" if value else "no"
            elif key in ("age", "bmi"):
                value = f"{float(value):.1f}" if key == "bmi" else f"{float(value):.0f}"
            facts.append(f"<td>{label}</td><td>{esc(str(value))}</td>")
    facts_html = "<table>" + "".join(f"<tr>{c}</tr>" for c in facts) + "</table>"
    flag = (
        f'<span class="flag yes" data-field="decision">Above threshold ({f["threshold"]}): follow-up examination</span>'
        if r.flagged
        else f'<span class="flag no" data-field="decision">Below threshold ({f["threshold"]}): routine care</span>'
    )
    warnings = "".join(f'<div class="warn">{esc(w)}</div>' for w in r.warnings)
    scarce = (
        f'<div class="warn" data-field="scarce-warning">Warning: the {esc(r.reference_population)} group was '
        f"scarce in training ({f['group_share']} of the training people, {f['n_reference']} people); "
        "the percentile rests on few people and the score transfers poorly across ancestry.</div>"
        if r.scarce
        else ""
    )
    contrib_img, contrib_table = _contributions_panel(r)
    en, zh = _paragraphs(r, f)
    modalities = ", ".join(r.modalities_used) or "none"
    lacking = (
        f" Missing: {', '.join(r.missing_modalities)} (the model fell back without it)." if r.missing_modalities else ""
    )
    body = f"""
<div class="banner" data-field="simulated">SIMULATED DATA — this person is simulated for teaching; not a real
patient, no identifying data. Not for clinical use.</div>
<h1>{esc(title)} · person {esc(r.person_id)}</h1>
<div class="grid">
<section><h2>Risk</h2>
<p class="headline">Predicted risk <span class="risk" data-field="risk">{f["risk"]}</span>
({f["level"]} interval <span data-field="risk_low">{f["risk_low"]}</span> to
<span data-field="risk_high">{f["risk_high"]}</span>)</p>
<p>{flag}</p>
<p class="small">Modalities used: {esc(modalities)}.{esc(lacking)} Interval: {esc(r.risk.method)}.</p>
{warnings}
</section>
<section><h2>Recorded characteristics</h2>{facts_html}</section>
<section><h2>Image and saliency</h2>{_image_panel(r)}</section>
<section><h2>Polygenic score in the person's own ancestry group</h2>
{_prs_panel(r, f)}
<p class="small">Score <span data-field="prs">{f["prs"]}</span>, percentile
<span data-field="prs_percentile">{f["prs_percentile"]}</span> of {f["n_reference"]} training people of the
{esc(r.reference_population)} group ({f["group_share"]} of all training people).</p>{scarce}
</section>
<section><h2>What moves the risk: contributions to the log-odds</h2>{contrib_img}{contrib_table}
<p class="small">Blue: modalities; orange: modifiable factors; grey: other recorded factors.</p></section>
<section><h2>What if: modifiable factors</h2>{_what_if_table(r)}
<p class="small">pp: percentage points. Predicted risk with BMI or smoking changed and everything else kept; an association
learnt from the (simulated) cohort, not a promise of what a change would do.</p></section>
<section><h2>Recommendation at the clinic's threshold</h2>
<p>Threshold <span data-field="threshold">{f["threshold"]}</span>: {flag}</p>
<p>At this threshold, among {f["n_evaluation"]} {esc(r.evaluation_split)} people ({r.n_evaluation_cases} cases):
sensitivity <span data-field="sensitivity">{f["sensitivity"]}</span> ({f["sensitivity_low"]}–{f["sensitivity_high"]}),
PPV <span data-field="ppv">{f["ppv"]}</span> ({f["ppv_low"]}–{f["ppv_high"]}).</p>
</section>
<section class="plain"><h2>In plain language · 通俗解释</h2>
<p lang="en" data-field="paragraph-en">{esc(en)}</p>
<p lang="zh" data-field="paragraph-zh">{esc(zh)}</p></section>
</div>
<footer>Simulated cohort from the pmed book (chapter 51). The risk is a model's estimate for a simulated
person; the intervals cover the model's uncertainty, not that of the simulation itself.</footer>
"""
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)} · {esc(r.person_id)} (simulated)</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>{body}</body>\n</html>\n"
    )
    out.write_text(page, encoding="utf-8")
    if pdf_out is not None:
        html_to_pdf(out, pdf_out)
    return out


@validate_params({})
def find_chromium() -> str | None:
    """The path of a Chromium (or Chrome) executable on ``PATH``, or None.

    Returns
    -------
    str or None
        The first of ``chromium``, ``chromium-browser``, ``google-chrome`` found.

    Examples
    --------
    >>> found = find_chromium()
    >>> found is None or Path(found).name.startswith(("chromium", "google-chrome"))
    True
    """
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@validate_params({"html_path": ["path"], "pdf_path": ["path"]})
def html_to_pdf(html_path: str | Path, pdf_path: str | Path) -> Path:
    """Print an HTML file to PDF (A4, no header or footer) with headless Chromium.

    Parameters
    ----------
    html_path : str or Path
        The page to print.
    pdf_path : str or Path
        The ``.pdf`` file to write.

    Returns
    -------
    Path
        ``pdf_path``, absolute.

    Raises
    ------
    RuntimeError
        When no Chromium is installed, or Chromium writes no PDF.

    Examples
    --------
    >>> import tempfile
    >>> tmp = tempfile.TemporaryDirectory()
    >>> page = Path(tmp.name) / "a.html"
    >>> _ = page.write_text("<html><body><p>hello</p></body></html>")
    >>> if find_chromium():
    ...     assert html_to_pdf(page, Path(tmp.name) / "a.pdf").read_bytes().startswith(b"%PDF")
    >>> tmp.cleanup()
    """
    source = Path(html_path).expanduser().resolve()
    if not source.is_file():
        raise ValueError(f"The 'html_path' parameter of html_to_pdf must name an existing file; got {html_path}.")
    target = Path(pdf_path).expanduser().resolve()
    chromium = find_chromium()
    if chromium is None:
        raise RuntimeError(
            "Printing to PDF needs Chromium, and none is on PATH (Debian/Ubuntu: apt-get install chromium). "
            "The HTML report was written; open it in a browser and print it instead."
        )
    cmd = [
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--no-pdf-header-footer", f"--print-to-pdf={target}", source.as_uri(),
    ]  # fmt: skip
    if target.exists():
        target.unlink()
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if not target.is_file():
        raise RuntimeError(f"Chromium wrote no PDF (exit status {result.returncode}): {result.stderr[-500:]}")
    return target


def _image_saliency(model, image: np.ndarray) -> np.ndarray | None:
    """Grad-CAM of the fused model's CNN on one image, shape (height, width); None without a CNN or an image.

    ``model`` is what :func:`_build_patient_model` returns (its ``.model.cnn`` is
    the image model); a missing image is all NaN.
    """
    cnn = getattr(getattr(model, "model", None), "cnn", None)
    pixels = np.asarray(image, dtype="float32")
    if cnn is None or not np.isfinite(pixels).all():
        return None
    from pmed_utils.interpret import saliency_maps

    x = pixels.reshape(1, *pixels.shape[:2], 1)
    return saliency_maps(cnn, x, methods=("grad_cam",))["grad_cam"][0]


def _build_patient_model(
    n_people: int = 1500, image_dataset: str = "pneumoniamnist", random_state: int = 0, epochs: int = 4
):
    """``(people, images, model)`` for ``pmed patient``: a small linked cohort and its late-fusion model.

    The model is :func:`pmed_utils.models.fusion.fit_fused_risk_model` (a small
    CNN, ``epochs`` epochs) wrapped by
    :func:`pmed_utils.evaluation.resample_fused_model` for the intervals.
    """
    from pmed_utils.datasets.linked import make_linked_cohort
    from pmed_utils.evaluation import resample_fused_model
    from pmed_utils.models.fusion import fit_fused_risk_model

    linked = make_linked_cohort(
        n_people, image_dataset=image_dataset, n_chromosomes=1, segment_length=1e6, n_causal=100,
        random_state=random_state,
    )  # fmt: skip
    fused = fit_fused_risk_model(linked, epochs=epochs, filters=(8, 16), random_state=random_state)
    return linked.people, linked.images, resample_fused_model(fused, linked.people, linked.images)
