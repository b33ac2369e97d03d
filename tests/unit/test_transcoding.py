"""PydanticMapper / OrjsonTranscoder: round trips, upcasting, failures, non-pydantic events."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, ClassVar
from uuid import UUID, uuid4

import orjson
import pytest
from eventsourcing.domain import Snapshot
from eventsourcing.persistence import (
    MapperDeserialisationError,
    StoredEvent,
    Transcoding,
)
from eventsourcing.utils import get_topic, register_topic
from pydantic import BaseModel, ConfigDict

from infrastructure.transcoding import OrjsonTranscoder, PydanticMapper


class Adres(BaseModel):
    model_config = ConfigDict(frozen=True)
    straat: str
    plaats: str


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    originator_id: UUID
    originator_version: int
    timestamp: datetime


class Verhuisd(_Event):
    TOPIC: ClassVar[str] = "tests.transcoding:Verhuisd"
    adres: Adres
    per: date


class VerhuisdV2(_Event):
    """The same fact after a schema change: ``per`` renamed, ``reden`` added."""

    TOPIC: ClassVar[str] = "tests.transcoding:Verhuisd.v2"
    class_version: ClassVar[int] = 2
    adres: Adres
    ingangsdatum: date
    reden: str

    @staticmethod
    def upcast_v1_v2(state: dict[str, Any]) -> None:
        state["ingangsdatum"] = state.pop("per")
        state["reden"] = "onbekend"


for _cls in (Verhuisd, VerhuisdV2):
    register_topic(_cls.TOPIC, _cls)


@pytest.fixture
def mapper() -> PydanticMapper:
    return PydanticMapper(transcoder=OrjsonTranscoder())


def _verhuisd() -> Verhuisd:
    return Verhuisd(
        originator_id=uuid4(),
        originator_version=3,
        timestamp=datetime(2026, 3, 1, 12, 30, tzinfo=UTC),
        adres=Adres(straat="Dorpsstraat 1", plaats="Ergens"),
        per=date(2026, 4, 1),
    )


def test_rondreis_geeft_gelijk_event(mapper: PydanticMapper) -> None:
    origineel = _verhuisd()
    opgeslagen = mapper.to_stored_event(origineel)

    assert opgeslagen.topic == "tests.transcoding:Verhuisd"
    assert opgeslagen.originator_id == origineel.originator_id
    assert opgeslagen.originator_version == 3
    assert mapper.to_domain_event(opgeslagen) == origineel


def test_staat_is_json_zonder_originator_velden(mapper: PydanticMapper) -> None:
    staat = orjson.loads(mapper.to_stored_event(_verhuisd()).state)
    assert staat == {
        "timestamp": "2026-03-01T12:30:00Z",
        "adres": {"straat": "Dorpsstraat 1", "plaats": "Ergens"},
        "per": "2026-04-01",
    }


def test_class_version_wordt_opgeslagen_vanaf_versie_2(mapper: PydanticMapper) -> None:
    v2 = VerhuisdV2(
        originator_id=uuid4(),
        originator_version=1,
        timestamp=datetime.now(UTC),
        adres=Adres(straat="a", plaats="b"),
        ingangsdatum=date(2026, 1, 1),
        reden="werk",
    )
    opgeslagen = mapper.to_stored_event(v2)
    assert orjson.loads(opgeslagen.state)["class_version"] == 2
    assert mapper.to_domain_event(opgeslagen) == v2


def test_upcast_van_v1_naar_v2(mapper: PydanticMapper) -> None:
    v1 = mapper.to_stored_event(_verhuisd())
    # The bytes written by the old code, read by code whose class is now at version 2.
    oud = StoredEvent(
        originator_id=v1.originator_id,
        originator_version=v1.originator_version,
        topic=VerhuisdV2.TOPIC,
        state=v1.state,
    )
    gelezen = mapper.to_domain_event(oud)
    assert isinstance(gelezen, VerhuisdV2)
    assert gelezen.ingangsdatum == date(2026, 4, 1)
    assert gelezen.reden == "onbekend"
    assert gelezen.originator_version == 3


def test_kapotte_staat_geeft_mapper_fout_zonder_inhoud(mapper: PydanticMapper) -> None:
    kapot = StoredEvent(
        originator_id=uuid4(),
        originator_version=1,
        topic=Verhuisd.TOPIC,
        state=orjson.dumps({"timestamp": "geen datum", "adres": {}, "per": "Geheimestraat 7"}),
    )
    with pytest.raises(MapperDeserialisationError) as fout:
        mapper.to_domain_event(kapot)
    melding = str(fout.value)
    assert Verhuisd.TOPIC in melding
    assert "originator_version 1" in melding
    assert "Geheimestraat" not in melding  # payloads may hold personal data


def test_geen_json_geeft_mapper_fout(mapper: PydanticMapper) -> None:
    kapot = StoredEvent(
        originator_id=uuid4(), originator_version=1, topic=Verhuisd.TOPIC, state=b"\x00"
    )
    with pytest.raises(MapperDeserialisationError):
        mapper.to_domain_event(kapot)


def test_onbekend_topic_geeft_mapper_fout(mapper: PydanticMapper) -> None:
    onbekend = StoredEvent(
        originator_id=uuid4(), originator_version=1, topic="nergens:Niets", state=b"{}"
    )
    with pytest.raises(MapperDeserialisationError, match="nergens:Niets"):
        mapper.to_domain_event(onbekend)


def test_niet_pydantic_snapshot_via_basismapper(mapper: PydanticMapper) -> None:
    snapshot = Snapshot(
        originator_id=uuid4(),
        originator_version=5,
        timestamp=datetime.now(UTC),
        topic="tests.transcoding:Iets",
        state={"teller": 5, "labels": ["a", "b"]},
    )
    opgeslagen = mapper.to_stored_event(snapshot)
    assert opgeslagen.topic == get_topic(Snapshot)
    terug = mapper.to_domain_event(opgeslagen)
    assert isinstance(terug, Snapshot)
    assert terug.state == {"teller": 5, "labels": ["a", "b"]}
    assert terug.originator_version == 5


def test_compressor_en_cipher_worden_gebruikt() -> None:
    from eventsourcing.compressor import ZlibCompressor
    from eventsourcing.cryptography import AESCipher
    from eventsourcing.utils import Environment

    sleutel = AESCipher.create_key(16)
    cipher = AESCipher(Environment(env={"CIPHER_KEY": sleutel}))
    mapper = PydanticMapper(
        transcoder=OrjsonTranscoder(), compressor=ZlibCompressor(), cipher=cipher
    )
    origineel = _verhuisd()
    opgeslagen = mapper.to_stored_event(origineel)
    assert b"Dorpsstraat" not in opgeslagen.state
    assert mapper.to_domain_event(opgeslagen) == origineel


def test_transcoder_weigert_registraties() -> None:
    class Nep(Transcoding):
        type = object
        name = "nep"

        def encode(self, obj: Any) -> Any:
            return obj

        def decode(self, data: Any) -> Any:
            return data

    with pytest.raises(NotImplementedError):
        OrjsonTranscoder().register(Nep())


def test_transcoder_rondreis() -> None:
    transcoder = OrjsonTranscoder()
    data = {"a": [1, 2, {"b": None}], "c": "é"}
    assert transcoder.decode(transcoder.encode(data)) == data
