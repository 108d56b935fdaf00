"""Interview transcripts of sample customers chosen for what happened to them (answers in ``interviews.yaml``)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .sample_facts import _APP, _BARGAIN, _EXPERT, _GIFT, N_INTERVIEWS_WITH_PII
from .sample_simulation import _CALL, _CHAT, _MAIL
from .sample_texts import _PERSONA_TAG, _email, _fill, _phone, _pick, bank

_INTERVIEW_PLAN = {"fr": (_APP, _APP, _BARGAIN, _EXPERT, _EXPERT, _GIFT),
                   "en": (_APP, _BARGAIN, _BARGAIN, _EXPERT, _GIFT, _GIFT)}
_INTERVIEW_STAGES = {_APP: ("discover", "consider", "purchase", "onboard", "use", "support"),
                     _BARGAIN: ("discover", "consider", "purchase", "onboard", "use", "renew"),
                     _EXPERT: ("discover", "consider", "purchase", "onboard", "use", "support", "renew"),
                     _GIFT: ("discover", "consider", "purchase", "onboard", "support")}

_FACT_TAGS = {"payfail", "late", "damaged", "ontime", "whatsapp", "phone", "mail", "nosupport", "churn", "stay"}


def _answers(lang: str, stage: str) -> list[tuple[str, str]]:
    """The answers of ``stage`` as (key, text) pairs, in the order of ``interviews.yaml``."""
    return [item for answer in bank("interviews")["answers"][lang][stage] for item in answer.items()]


def _interview(rng, lang: str, persona: int, facts: dict, used: set, with_pii: bool) -> str:
    """The body of one transcript: for each stage, questions as paragraphs and answers as blockquotes."""
    tag, texts = _PERSONA_TAG[persona], bank("interviews")
    sections = []
    for stage in _INTERVIEW_STAGES[persona]:
        lines = [f"## {stage}", ""]
        for slot in ("A", "B", "C"):
            eligible = []
            for tags, text in _answers(lang, stage):
                words = set(tags.split())
                if slot in words and words & {tag, "any"} and (words & _FACT_TAGS) <= facts["tags"]:
                    eligible.append((-len(words & _FACT_TAGS), -(tag in words), text in used, rng.random(), text))
            if not eligible or (slot == "C" and persona != _GIFT and rng.random() < .6):
                continue
            text = min(eligible)[-1]
            used.add(text)
            question = _pick(rng, texts["questions"][lang][stage][slot])
            if slot != "A" and rng.random() < .5:
                question = f"{_pick(rng, texts['acknowledgements'][lang])} {question}"
            lines += [question, "", "> " + _fill(rng, text, lang, facts["days"]), ""]
        sections.append(lines)
    if with_pii:
        sections[-1][-2] += " " + texts["pii"][lang].format(email=_email(rng, lang), phone=_phone(rng, lang))
    return "\n".join(line for lines in sections for line in lines).rstrip() + "\n"


def _interviews(rng, cust, journeys: pd.DataFrame, ids: np.ndarray) -> dict[str, str]:
    """Twelve transcripts (six in French, six in English) of customers chosen for what happened to them."""
    j = journeys
    by_customer = j.groupby("customer")
    facts = pd.DataFrame({
        "payfail": by_customer["pay_trouble"].any() & ~by_customer["pay_abandon"].any(),
        "late": j[j["quarter"] == 1].groupby("customer")["late"].any(),
        "damaged": j[j["quarter"] == 1].groupby("customer")["damaged"].any(),
        "onboard": by_customer["onboard"].any(),
        "whatsapp": by_customer["support_kind"].agg(lambda k: (k == _CHAT).any()),
        "phone": by_customer["support_kind"].agg(lambda k: (k == _CALL).any()),
        "mail": by_customer["support_kind"].agg(lambda k: (k == _MAIL).any()),
        "churn": by_customer["churn"].any(),
        "active_q3": by_customer["quarter"].max() == 1,
        "lag": j[j["onboard"]].groupby("customer")["lag"].max(),
    }).fillna({"late": False, "damaged": False, "lag": 0}).infer_objects()
    facts["ontime"] = ~facts["late"] & ~facts["damaged"]
    facts["nosupport"] = ~facts["whatsapp"] & ~facts["phone"] & ~facts["mail"]
    facts["stay"] = ~facts["churn"]
    wanted = {"fr": ({"payfail"}, {"whatsapp"}, {"late", "churn"}, {"phone"}, set(), {"late"}),
              "en": ({"payfail"}, {"damaged"}, {"churn"}, {"phone"}, {"whatsapp"}, {"ontime"})}
    plan, taken, files = [], set(), {}
    for lang in ("fr", "en"):
        for persona, needs in zip(_INTERVIEW_PLAN[lang], wanted[lang]):
            pool = facts[(cust["persona"][facts.index] == persona) & (cust["lang_fr"][facts.index] == (lang == "fr"))
                         & facts["active_q3"] & ~facts.index.isin(list(taken))]
            for need in (needs, {next(iter(needs))} if needs else set(), set()):
                fit = pool[pool[list(need)].all(axis=1)] if need else pool
                if len(fit):
                    break
            customer = int(fit.index[rng.integers(len(fit))])
            taken.add(customer)
            plan.append((lang, persona, customer))
    plan = [plan[i] for i in rng.permutation(len(plan))]
    dates = np.sort(rng.choice(np.arange(1, 26), len(plan), replace=False))
    pii = set(np.sort(rng.choice(len(plan), N_INTERVIEWS_WITH_PII, replace=False)).tolist())
    used: dict[str, set] = {"fr": set(), "en": set()}
    for number, ((lang, persona, customer), day) in enumerate(zip(plan, dates), start=1):
        row = facts.loc[customer]
        tags = {name for name in _FACT_TAGS if bool(row[name])}
        body = _interview(rng, lang, persona, {"tags": tags, "days": float(row["lag"])}, used[lang], number - 1 in pii)
        header = (f"---\ncustomer_id: {ids[customer]}\ndate: 2026-09-{day:02d}\nlanguage: {lang}\n"
                  f"interviewer: {bank('interviews')['interviewers'][lang][number % 2]}\n---\n\n")
        files[f"interview_{number:02d}.md"] = header + body
    return files
