"""No personnummer anywhere in the stream or the stores: the raw bytes are searched."""

from __future__ import annotations

from .deployment import Calls, Deployment, new_personnummer
from .rawbytes import holding, personnummer_spellings, spellings

# The data dir holds the keys too (random bytes); everything else is searched.
KEYS = ("keys",)


async def test_no_personnummer_reaches_the_stream_or_any_store(
    deployment: Deployment,
) -> None:
    calls = Calls(deployment)
    pnr = new_personnummer()
    person_ref = await calls.enrol(pnr)
    for agency in ("af", "fk", "region"):
        await calls.call(agency, "POST", "/persons", agency=agency,
                         json={"personnummer": pnr}, status=201)
    await calls.call("af", "POST", f"/persons/{person_ref}/registration", agency="af",
                     json={})
    await calls.call("kommun", "POST", f"/persons/{person_ref}/hand-offs", agency="kommun",
                     json={"to_agency": "fk", "reason": "Sjukskriven sedan mars"}, status=201)
    # The flow has gone all the way: the shared case holds the AF registration.
    await calls.entry(person_ref, "af", "Registered", viewer=None, role="auditor")

    root = deployment.settings.data_dir
    # Positive control: the person is in every store and on the stream, by reference.
    found = " ".join(holding(root, spellings(person_ref), skip=KEYS))
    for where in ("kommun.sqlite", "af.sqlite", "fk.sqlite", "coordination.sqlite", "jetstream"):
        assert where in found, f"{where} was not searched: {found}"
    assert holding(root, personnummer_spellings(pnr), skip=KEYS) == []
