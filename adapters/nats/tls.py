"""TLS material for a JetStream cluster: one CA, a server and a route certificate.

Clients verify the server certificate against the CA (``SAMLAD_NATS_CA``). Routes
verify each other (``verify: true``), so a route certificate is presented both as a
server and as a client: it carries serverAuth *and* clientAuth, or the routes refuse
each other. ECDSA P-256 keys; files are PEM, keys mode 0600, existing files are kept.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_DAYS = 3650
LEAF_DAYS = 825
"""The longest validity clients (browsers, Go's crypto/tls checks) still accept."""
CERTIFICATES = ("ca", "server", "route")


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Samlad"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _alt_names(hosts: Sequence[str]) -> x509.SubjectAlternativeName:
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return x509.SubjectAlternativeName(names)


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))


def _certificate(
    subject: x509.Name, key: ec.EllipticCurvePrivateKey, issuer: x509.Name,
    issuer_key: ec.EllipticCurvePrivateKey, days: int,
) -> x509.CertificateBuilder:
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), False)
    )


def _load_or_make_ca(directory: Path) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert_path, key_path = directory / "ca.crt", directory / "ca.key"
    if cert_path.exists() and key_path.exists():
        key = load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return x509.load_pem_x509_certificate(cert_path.read_bytes()), key
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name("Samlad NATS CA")
    cert = (
        _certificate(name, key, name, key, CA_DAYS)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True,
            content_commitment=False, key_encipherment=False, data_encipherment=False,
            key_agreement=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    _write_key(key_path, key)
    cert_path.write_bytes(cert.public_bytes(Encoding.PEM))
    return cert, key


def _issue(
    directory: Path, name: str, hosts: Sequence[str], usages: list[x509.ObjectIdentifier],
    ca: x509.Certificate, ca_key: ec.EllipticCurvePrivateKey,
) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        _certificate(_name(f"samlad-nats-{name}"), key, ca.subject, ca_key, LEAF_DAYS)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_alt_names(hosts), critical=False)
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    _write_key(directory / f"{name}.key", key)
    (directory / f"{name}.crt").write_bytes(cert.public_bytes(Encoding.PEM))


def write_certificates(directory: Path, hosts: Sequence[str]) -> list[Path]:
    """``ca``, ``server`` and ``route`` ``.crt``/``.key`` in ``directory``, made if missing.

    ``hosts`` are the names (and IP addresses) clients and routes dial: every node's
    name goes into both certificates, so one pair serves every node.
    """
    directory.mkdir(parents=True, exist_ok=True)
    ca, ca_key = _load_or_make_ca(directory)
    wanted = {
        "server": [ExtendedKeyUsageOID.SERVER_AUTH],
        # A route dials its peers as a client and is verified by them.
        "route": [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
    }
    for name, usages in wanted.items():
        if not (directory / f"{name}.crt").exists() or not (directory / f"{name}.key").exists():
            _issue(directory, name, hosts, usages, ca, ca_key)
    return [directory / f"{name}.{ext}" for name in CERTIFICATES for ext in ("crt", "key")]
