"""The demo's own test CA: the demo (and the browser tests) sign decisions as a signer's tool would, marked as test.

`load_demo` creates the CA once (root and intermediate, keys in DEMO_SIGNING_CA_DIR on local disk) and registers
both as trust anchors marked "thử nghiệm", which every verification report shows. `sign_with_demo_ca` issues (once
per name) a certificate for the signer and one for the organisation, writes them as key files and signs through the
key-file `Signer` (awards.signing.KeyFileSigner): the same seam a remote-signing provider will implement.
Nothing here is used for a real deployment's decisions: real signatures come from the signers' own tools.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from django.conf import settings

from awards.models import TrustAnchor
from awards.services.digital_signature import add_trust_anchor
from awards.signing import ORGANISATION_FIELD, SIGNER_FIELD, KeyFileSigner, sign_pdf
from awards.signing_testca import Issued, issue, make_root


def _directory() -> Path:
    directory = Path(settings.DEMO_SIGNING_CA_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _load_or_make(stem: str, make: Callable[[], Issued]) -> Issued:
    directory = _directory()
    certificate, key = directory / f"{stem}.cert.pem", directory / f"{stem}.key.pem"
    if certificate.exists() and key.exists():
        return Issued.from_pem(certificate.read_bytes(), key.read_bytes())
    issued = make()
    key.write_bytes(issued.key_pem())
    key.chmod(0o600)
    certificate.write_bytes(issued.certificate_pem())
    return issued


def demo_ca() -> tuple[Issued, Issued]:
    """The demo CA's root and intermediate (made on first use)."""
    root = _load_or_make("root", lambda: make_root("CA thử nghiệm Thi đua (demo)"))
    name = "CA trung gian thử nghiệm Thi đua (demo)"
    intermediate = _load_or_make("intermediate", lambda: issue(root, name, ca=True))
    return root, intermediate


def register_demo_anchors() -> int:
    """Trust the demo CA in this deployment, marked as test; returns how many anchors were added."""
    added = 0
    for issued in demo_ca():
        fingerprint = issued.certificate.fingerprint(hashes.SHA256()).hex()
        if not TrustAnchor.objects.filter(fingerprint_sha256=fingerprint).exists():
            add_trust_anchor(by=None, content=issued.certificate_pem(), is_test=True)
            added += 1
    return added


def demo_signer(name: str, *, organisation: str) -> KeyFileSigner:
    """A key-file signer for `name`, its certificate issued by the demo CA (once per name and organisation)."""
    _root, intermediate = demo_ca()
    stem = "cert-" + hashlib.sha256(f"{name}\n{organisation}".encode()).hexdigest()[:16]
    _load_or_make(stem, lambda: issue(intermediate, name, organisation=organisation))
    directory = _directory()
    chain = directory / f"{stem}.chain.pem"
    if not chain.exists():
        chain.write_bytes((directory / f"{stem}.cert.pem").read_bytes() + intermediate.certificate_pem())
    return KeyFileSigner.from_files(key_path=str(directory / f"{stem}.key.pem"), certificate_path=str(chain))


def sign_with_demo_ca(pdf: bytes, *, signer_name: str, organisation_name: str) -> bytes:
    """The signer's signature, then the organisation's, as the demo's stand-in for the office's signing tool."""
    signed = sign_pdf(pdf, signer=demo_signer(signer_name, organisation=organisation_name), field_name=SIGNER_FIELD)
    organisation = demo_signer(organisation_name, organisation=organisation_name)
    return sign_pdf(signed, signer=organisation, field_name=ORGANISATION_FIELD)
