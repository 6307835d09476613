"""Streams and consumers are declared in one place and provisioned idempotently."""

from __future__ import annotations

from nats.js.api import AckPolicy, StorageType

from adapters.nats.connection import connect
from adapters.nats.names import (
    EVENTS_STREAM,
    STREAMS,
    alert_subjects,
    alerts_consumer,
    coordination_consumer,
)
from adapters.nats.settings import DEFAULT_DUPLICATE_WINDOW_SECONDS
from adapters.nats.streams import consumer_configs, provision, stream_configs
from adapters.nats.testing import Connect, RunningNats


async def test_provisioning_a_provisioned_server_changes_nothing(
    nats_env: RunningNats, connect_as: Connect
) -> None:
    admin = await connect_as(nats_env.settings, "admin")
    first = await provision(admin.jetstream(), nats_env.settings)
    second = await provision(admin.jetstream(), nats_env.settings)
    assert {item.action for item in first + second} == {"unchanged"}
    expected = stream_configs(nats_env.settings) + consumer_configs(nats_env.settings)
    assert len(second) == len(expected)


async def test_streams_are_file_backed_with_the_configured_replicas_and_window(
    nats_env: RunningNats, connect_as: Connect
) -> None:
    js = (await connect_as(nats_env.settings, "admin")).jetstream()
    for name in STREAMS:
        config = (await js.stream_info(name)).config
        assert config.storage == StorageType.FILE
        assert config.num_replicas == 1
        assert config.duplicate_window == DEFAULT_DUPLICATE_WINDOW_SECONDS


async def test_each_partition_has_a_coordination_consumer_over_the_agencies(
    nats_env: RunningNats, connect_as: Connect
) -> None:
    js = (await connect_as(nats_env.settings, "admin")).jetstream()
    for n in range(nats_env.settings.partitions):
        config = (await js.consumer_info(EVENTS_STREAM, coordination_consumer(n))).config
        assert sorted(config.filter_subjects or []) == sorted(
            f"samlad.{agency}.*.*.*.{n}" for agency in ("kommun", "af", "fk", "region")
        )
        assert config.ack_policy == AckPolicy.EXPLICIT
        assert config.ack_wait == 30
        assert config.max_deliver == 10


async def test_each_agency_has_an_alerts_consumer_over_the_alerts_naming_it(
    nats_env: RunningNats, connect_as: Connect
) -> None:
    js = (await connect_as(nats_env.settings, "admin")).jetstream()
    config = (await js.consumer_info(EVENTS_STREAM, alerts_consumer("fk"))).config
    assert sorted(config.filter_subjects or []) == sorted(alert_subjects("fk"))
    assert all(subject.startswith("samlad.coordination.*.*.*.") for subject in alert_subjects("fk"))


async def test_a_drifted_stream_is_put_back(own_nats: RunningNats) -> None:
    admin = await connect(own_nats.settings, "admin")
    js = admin.jetstream()
    config = (await js.stream_info(EVENTS_STREAM)).config
    config.duplicate_window = 5
    await js.update_stream(config)

    result = await provision(js, own_nats.settings)
    window = (await js.stream_info(EVENTS_STREAM)).config.duplicate_window
    await admin.close()

    assert [item.name for item in result if item.action == "updated"] == [EVENTS_STREAM]
    assert window == DEFAULT_DUPLICATE_WINDOW_SECONDS
