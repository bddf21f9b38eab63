"""The stepper's pages (bpf.md §5.2), shared by the views of `bpf.py`: a step's form filled from the stored
draft (or from what was posted, when it is refused: nothing typed is lost), the rules of §6 next to the lines
they concern, the computed totals, and the last step's summary."""

from dataclasses import dataclass, replace
from datetime import UTC

from flask import flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from rp_bpf import messages
from rp_bpf.access import get_scope
from rp_bpf.bpf.content import BpfContent
from rp_bpf.bpf.imports import ImportRefused
from rp_bpf.bpf.lines import BY_CODE, LINES, PAIR_KINDS, SPECIALITY_PREFIX
from rp_bpf.bpf.problems import Problem, Severity
from rp_bpf.bpf.receipt import paris_time, version_label
from rp_bpf.extensions import db
from rp_bpf.forms.bpf import (
    STEPS,
    DirigeantForm,
    FiguresForm,
    IdentificationForm,
    ImportForm,
    Step,
    TransmitForm,
    cadre_of,
    figure_lines,
    figures_data,
    figures_form_class,
    pair_names,
    speciality_names,
    step_lines,
)
from rp_bpf.models import Bpf
from rp_bpf.services import bpfs
from rp_bpf.services.errors import BpfError
from rp_bpf.views.refusals import refused
from shared.clock import utcnow
from shared.forms import AppForm, lock_of

StepForm = IdentificationForm | DirigeantForm | FiguresForm


@dataclass(frozen=True)
class Listed:
    """A problem on the last step: its message, and where to correct it."""

    problem: Problem
    step: Step | None


def step_of(code: str) -> Step | None:
    line = BY_CODE.get(code) or (BY_CODE["f4_autres"] if code.startswith(SPECIALITY_PREFIX) else None)
    return next((step for step in STEPS if line is not None and cadre_of(line) in step.cadres), None)


def _form(bpf: Bpf, step: Step, content: BpfContent) -> StepForm:
    if step.slug == "identification":
        return IdentificationForm.of(content, bpf.lock)
    if step.slug == "dirigeant":
        return DirigeantForm.of(content, bpf.lock)
    return figures_form_class(step)(formdata=None, data=figures_data(content.figures, step) | {"lock": bpf.lock})


def _field_of(code: str, content: BpfContent) -> str:
    """The input a problem on line `code` is shown under: a pair's first one, a speciality's code."""
    if code.startswith(SPECIALITY_PREFIX) and code not in BY_CODE:
        codes = [speciality.code_nsf for speciality in content.figures.specialities]
        nsf = code.removeprefix(SPECIALITY_PREFIX)
        return speciality_names(codes.index(nsf) + 1)[0] if nsf in codes else ""
    line = BY_CODE.get(code)
    if line is not None and line.kind in PAIR_KINDS:
        return pair_names(code)[0]
    return code


def _attach(form: AppForm, problems: list[Problem], content: BpfContent) -> dict[str, list[Problem]]:
    """Blocking problems become the errors of the field they concern (linked to it for screen readers); the
    others, and those on a computed total, are listed by line code for the page to show beside the line."""
    beside: dict[str, list[Problem]] = {}
    for problem in problems:
        for code in problem.lines:
            name = _field_of(code, content)
            if problem.severity == Severity.BLOCKING and name in form:
                form[name].errors = [*form[name].errors, problem.message]
            else:
                beside.setdefault(code, []).append(problem)
    return beside


def render_step(bpf: Bpf, step: Step, form: StepForm | None = None, content: BpfContent | None = None) -> str:
    content = content or bpfs.content_of(bpf)
    form = form or _form(bpf, step, content)
    beside = _attach(form, bpfs.problems(db.session, bpf), content) if request.method == "GET" else {}
    index = STEPS.index(step)
    return render_template(
        "bpf/step.html",
        bpf=bpf,
        step=step,
        index=index,
        steps=STEPS,
        form=form,
        lines=[line for line in step_lines(step) if line.code != "nda"],
        figures=content.figures,
        beside=beside,
        nda=content.identification.get("nda", ""),
        import_form=ImportForm(formdata=None, data={"lock": bpf.lock}),
    )


def save_step(bpf: Bpf, step: Step) -> str | tuple[str, int] | Response:
    """« Enregistrer » (stay), « Étape suivante » or « Vérifier »: the step's values saved in the draft, unless a
    value is not a number, or the page was stale (then the page shows what was typed, with the reason)."""
    current = bpfs.content_of(bpf)
    form: StepForm
    if step.slug == "identification":
        form = IdentificationForm()
    elif step.slug == "dirigeant":
        form = DirigeantForm()
    else:
        form = figures_form_class(step)()
    if not form.validate():
        return render_step(bpf, step, form), 422
    if isinstance(form, FiguresForm):
        content = replace(current, figures=form.figures(figure_lines(step), current.figures))
    else:
        content = form.content(current)
    try:
        bpfs.save(db.session, get_scope().actor, bpf.siren, bpf.id, lock_of(form.lock.data) or 0, content, utcnow())
    except BpfError as error:
        status = refused(error)  # first: the page shows the reason
        return render_step(bpf, step, form, content), status
    flash(messages.SAVED, "success")
    action = request.form.get("action")
    if action == "suivant" and STEPS.index(step) + 1 < len(STEPS) - 1:
        return redirect(url_for("bpf.step", bpf_id=bpf.id, step=STEPS[STEPS.index(step) + 1].slug))
    if action in ("suivant", "verifier"):
        return redirect(url_for("bpf.verification", bpf_id=bpf.id))
    return redirect(url_for("bpf.step", bpf_id=bpf.id, step=step.slug))


def render_verification(bpf: Bpf, form: TransmitForm, import_error: ImportRefused | None = None) -> str:
    problems = bpfs.problems(db.session, bpf)
    listed = [Listed(problem, step_of(problem.lines[0]) if problem.lines else None) for problem in problems]
    return render_template(
        "bpf/verification.html",
        bpf=bpf,
        steps=STEPS,
        index=len(STEPS) - 1,
        step=STEPS[-1],
        form=form,
        content=bpfs.content_of(bpf),
        blocking=[item for item in listed if item.problem.severity == Severity.BLOCKING],
        alerts=[item for item in listed if item.problem.severity == Severity.ALERT],
        no_activity=any(problem.severity == Severity.CONFIRM for problem in problems),
        import_form=ImportForm(formdata=None, data={"lock": bpf.lock}),
        import_error=import_error,
        total_lines=[line for line in LINES if line.is_total],
    )


def mention(bpf: Bpf) -> str:
    """What the printed BPF says of itself: draft, or transmitted when and which version."""
    if bpf.transmitted_at is None:
        return "Brouillon — non transmis"
    return f"Transmis {paris_time(bpf.transmitted_at.replace(tzinfo=UTC))} — {version_label(bpf.version)}"


def render_summary(bpf: Bpf, versions: list[Bpf]) -> str:
    return render_template(
        "bpf/show.html",
        bpf=bpf,
        content=bpfs.content_of(bpf),
        versions=versions,
        lines=[line for line in LINES if line.code != "nda"],
    )
