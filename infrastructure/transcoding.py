"""Event encoding: pydantic turns events into JSON-able dicts and back, orjson does the bytes.

Adapted from eventsourcing's ``aggregate8`` example for pydantic v2. Differences that matter:
originator id and version are not duplicated in the stored state (they are columns already),
``class_version`` upcasting works exactly as in eventsourcing's own ``Mapper``, and events
that are not pydantic models (the library's dataclass ``Snapshot``) use the base mapper.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

import orjson
from eventsourcing.domain import DomainEventProtocol
from eventsourcing.persistence import (
    Mapper,
    MapperDeserialisationError,
    StoredEvent,
    Transcoder,
    Transcoding,
)
from eventsourcing.utils import get_topic, resolve_topic
from pydantic import BaseModel, ValidationError

_NIET_IN_STATE = frozenset({"originator_id", "originator_version"})


def _orjson_default(obj: object) -> Any:
    # Reached only for types orjson cannot encode natively, i.e. from the base mapper path.
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, Decimal):
        return str(obj)
    if isinstance(obj, set | frozenset):
        return sorted(obj, key=repr)
    raise TypeError(f"Kan type {type(obj).__name__} niet als JSON opslaan")


class OrjsonTranscoder(Transcoder):
    """Bytes ⇄ JSON with orjson; type reconstruction is pydantic's job, not the transcoder's."""

    def encode(self, obj: Any) -> bytes:
        return orjson.dumps(obj, default=_orjson_default)

    def decode(self, data: bytes) -> Any:
        return orjson.loads(data)

    def register(self, transcoding: Transcoding) -> None:
        # Custom transcodings would be silently bypassed by orjson; refuse them loudly.
        raise NotImplementedError(
            "OrjsonTranscoder ondersteunt geen transcodings: gebruik pydantic-modellen"
        )


class PydanticMapper(Mapper[UUID]):
    """Maps pydantic-model events to stored events and back, with upcasting."""

    def to_stored_event(self, domain_event: DomainEventProtocol[UUID]) -> StoredEvent:
        if not isinstance(domain_event, BaseModel):
            return super().to_stored_event(domain_event)
        cls = type(domain_event)
        state = domain_event.model_dump(mode="json", exclude=set(_NIET_IN_STATE))
        class_version = getattr(cls, "class_version", 1)
        if class_version > 1:
            state["class_version"] = class_version
        stored_state = self.transcoder.encode(state)
        if self.compressor:
            stored_state = self.compressor.compress(stored_state)
        if self.cipher:
            stored_state = self.cipher.encrypt(stored_state)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(cls),
            state=stored_state,
        )

    def to_domain_event(self, stored_event: StoredEvent) -> DomainEventProtocol[UUID]:
        try:
            cls = resolve_topic(stored_event.topic)
        except Exception as fout:
            raise MapperDeserialisationError(self._context(stored_event, fout)) from fout
        valideer, class_version = _SOORTEN.get(cls) or _soort(cls)
        if valideer is None:
            return super().to_domain_event(stored_event)
        try:
            state = self._decode(stored_event.state)
            from_version = state.pop("class_version", 1)
            while from_version < class_version:
                getattr(cls, f"upcast_v{from_version}_v{from_version + 1}")(state)
                from_version += 1
            state["originator_id"] = stored_event.originator_id
            state["originator_version"] = stored_event.originator_version
            # The model's own validator, without `model_validate`'s Python-level wrapper.
            return cast(DomainEventProtocol[UUID], valideer(state))
        except Exception as fout:
            raise MapperDeserialisationError(self._context(stored_event, fout)) from fout

    def _decode(self, stored_state: bytes) -> dict[str, Any]:
        if self.cipher:
            stored_state = self.cipher.decrypt(stored_state)
        if self.compressor:
            stored_state = self.compressor.decompress(stored_state)
        if type(self.transcoder) is OrjsonTranscoder:
            state = orjson.loads(stored_state)
        else:
            state = self.transcoder.decode(stored_state)
        if not isinstance(state, dict):
            raise TypeError(f"opgeslagen toestand is geen object maar {type(state).__name__}")
        return state

    @staticmethod
    def _context(stored_event: StoredEvent, fout: Exception) -> str:
        # Only ids and the topic: the payload may hold personal data and must not reach logs.
        return (
            f"Failed to deserialise stored event with topic '{stored_event.topic}', "
            f"originator_id '{stored_event.originator_id}' and "
            f"originator_version {stored_event.originator_version}: "
            f"{type(fout).__name__}: {_zonder_invoer(fout)}"
        )


# Per event class: its pydantic validator (None: not a pydantic model) and class_version.
# Looking up a missing class attribute on a pydantic class goes through its metaclass's
# slow path; once per class is enough.
_SOORTEN: dict[Any, tuple[Callable[[Any], Any] | None, int]] = {}


def _soort(cls: Any) -> tuple[Callable[[Any], Any] | None, int]:
    valideer = None
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        valideer = cls.__pydantic_validator__.validate_python
    soort = (valideer, getattr(cls, "class_version", 1))
    _SOORTEN[cls] = soort
    return soort


def _zonder_invoer(fout: Exception) -> str:
    # pydantic's ValidationError echoes the offending input values by default; keep the
    # field locations and messages, drop the values.
    if isinstance(fout, ValidationError):
        return "; ".join(
            f"{'.'.join(str(d) for d in e['loc'])}: {e['msg']}"
            for e in fout.errors(include_input=False, include_url=False)
        )
    return str(fout)
