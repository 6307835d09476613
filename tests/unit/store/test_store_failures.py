"""Store errors are told apart in one place: transient, a lost race, or poison."""

from __future__ import annotations

import sqlite3

import psycopg
from eventsourcing.persistence import IntegrityError, InterfaceError, OperationalError

from adapters.nats.deadletters import published_subject
from adapters.store.failures import Failure, classify


def test_a_locked_database_and_a_dropped_connection_are_transient() -> None:
    assert classify(OperationalError("database is locked")) is Failure.TRANSIENT
    assert classify(InterfaceError("connection is closed")) is Failure.TRANSIENT
    assert classify(sqlite3.OperationalError("database is locked")) is Failure.TRANSIENT
    assert classify(psycopg.errors.AdminShutdown("terminating connection")) is Failure.TRANSIENT
    assert classify(psycopg.errors.SerializationFailure("could not serialize")) is (
        Failure.TRANSIENT)


def test_a_lost_race_is_a_conflict_and_a_bug_is_poison() -> None:
    assert classify(IntegrityError("version taken")) is Failure.CONFLICT
    assert classify(ValueError("bad fact")) is Failure.POISON
    assert classify(KeyError("no such table")) is Failure.POISON


def test_a_replay_goes_to_the_subject_as_published_without_the_partition_token() -> None:
    assert published_subject("samlad.kommun.contact-lost.v1.pabc.3") == (
        "samlad.kommun.contact-lost.v1.pabc")
    assert published_subject("samlad.kommun.contact-lost.v1.pabc") == (
        "samlad.kommun.contact-lost.v1.pabc")
