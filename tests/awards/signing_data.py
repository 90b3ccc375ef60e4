"""Test data for digital signatures: an approved decision and a throwaway CA that issues the signer's and the
organisation's certificates, signing as the signer's own tool would (pyHanko, incremental updates)."""

from __future__ import annotations

import datetime as dt
import io

from pyhanko import stamp
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from awards.models import Decision
from awards.services.decisions import create_draft_decision, sign_decision
from awards.signing import ORGANISATION_FIELD, SIGNER_FIELD, KeyFileSigner, sign_pdf
from awards.signing_testca import Issued, TestPki, issue, make_test_pki
from campaigns.models import Person
from tests.awards.decision_data import accepted_batch

SIGNER_NAME = "Nguyễn Văn An"
ORGANISATION_NAME = "UBND xã An Bình"
PASSWORD = "mat-khau-thu-nghiem"


def approved_decision(org) -> Decision:
    """A decision of xã An Bình approved (ký nháy) by its chairman, Nguyễn Văn An."""
    Person.objects.create(full_name=SIGNER_NAME, unit=org.commune_a, user=org.chairman_a)
    period, award, _ = accepted_batch(org)
    draft = create_draft_decision(period=period, award_kind=award, by=org.chairman_a, signed_on=dt.date(2024, 8, 5))
    return sign_decision(decision=draft, by=org.chairman_a, password=PASSWORD)


def test_pki(signer_name: str = SIGNER_NAME) -> TestPki:
    return make_test_pki(signer_name=signer_name, organisation_name=ORGANISATION_NAME)


test_pki.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def key_signer(issued: Issued, pki: TestPki) -> KeyFileSigner:
    return KeyFileSigner(certificate=issued.certificate, key=issued.key, chain=[pki.intermediate.certificate])


def sign_both(app_pdf: bytes, pki: TestPki) -> bytes:
    """The chairman signs, then the văn thư adds the organisation's signature."""
    signed = sign_pdf(app_pdf, signer=key_signer(pki.signer, pki), field_name=SIGNER_FIELD)
    return sign_pdf(signed, signer=key_signer(pki.organisation, pki), field_name=ORGANISATION_FIELD)


def expired(pki: TestPki, name: str = SIGNER_NAME) -> Issued:
    now = dt.datetime.now(dt.UTC)
    return issue(
        pki.intermediate,
        name,
        organisation=ORGANISATION_NAME,
        not_before=now - dt.timedelta(days=400),
        not_after=now - dt.timedelta(days=30),
    )


def stamped(pdf: bytes, text: str = "Đã ký") -> bytes:
    """A visible "signature" drawn on the page as an incremental update: no cryptography at all."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    stamp.TextStamp(writer, stamp.TextStampStyle(stamp_text=text)).apply(0, 300, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
