"""TLS material for a NATS cluster on one machine: a CA, a server and a route certificate.

The route certificate carries clientAuth as well as serverAuth: each node dials its
peers' routes and they verify it (``verify: true``). Keys are written 0600, once; an
existing set is kept, so restarts and clients keep trusting the same CA.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
from collections.abc import Sequence
from pathlib import Path

import msgspec
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALID_DAYS = 825
HOSTS = ("localhost", "127.0.0.1")


class TlsFiles(msgspec.Struct, frozen=True, kw_only=True):
    """Where a node finds its certificates (the renderer's ``tls`` argument)."""

    ca: Path
    server_cert: Path
    server_key: Path
    route_cert: Path
    route_key: Path

    @classmethod
    def in_dir(cls, directory: Path) -> TlsFiles:
        return cls(
            ca=directory / "ca.crt",
            server_cert=directory / "server.crt", server_key=directory / "server.key",
            route_cert=directory / "route.crt", route_key=directory / "route.key",
        )


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    data = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)


def _leaf(
    common_name: str, usages: list[x509.ObjectIdentifier], hosts: tuple[str, ...],
    ca_key: ec.EllipticCurvePrivateKey, ca_cert: x509.Certificate, now: datetime.datetime,
) -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    key = ec.generate_private_key(ec.SECP256R1())
    names: list[x509.GeneralName] = []
    for host in hosts:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name)).issuer_name(ca_cert.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return key, cert


def ensure_tls(directory: Path, hosts: tuple[str, ...] = HOSTS) -> TlsFiles:
    """Create the CA, server and route certificates in ``directory`` unless present."""
    files = TlsFiles.in_dir(directory)
    if all(p.exists() for p in msgspec.structs.astuple(files)):
        return files
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(_name("Samlad NATS CA")).issuer_name(_name("Samlad NATS CA"))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + datetime.timedelta(days=VALID_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
            key_encipherment=False, data_encipherment=False, key_agreement=False,
            encipher_only=False, decipher_only=False), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    server = _leaf("samlad-nats", [ExtendedKeyUsageOID.SERVER_AUTH], hosts, ca_key, ca_cert, now)
    route = _leaf("samlad-nats-route",
                  [ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH],
                  hosts, ca_key, ca_cert, now)
    for (key, cert), cert_path, key_path in (
        (server, files.server_cert, files.server_key),
        (route, files.route_cert, files.route_key),
    ):
        _write_key(key_path, key)
        cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    # The CA's key is not kept: no one can issue another certificate it vouches for.
    files.ca.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return files


def write_certificates(directory: Path, hosts: Sequence[str]) -> list[Path]:
    """The files ``ensure_tls`` keeps in ``directory`` for ``hosts`` (``samlad deploy``).

    Every node's name goes into both certificates, so one pair serves every node.
    """
    return list(msgspec.structs.astuple(ensure_tls(directory, tuple(hosts))))
