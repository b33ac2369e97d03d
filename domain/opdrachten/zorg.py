"""The commands of the school's care team and beyond: the regiehouder and intern
begeleider, the plan and the OPP, the 4-weekly discussion, feedback, evaluation, the
referral to the ZAT and closing the file."""

from __future__ import annotations

from typing import Annotated, ClassVar, Self

from pydantic import Field, StrictBool, model_validator

from domain.dossierregels import signaalgever
from domain.invoer import (
    MAX_LIJST,
    Datum,
    Lijst,
    Naam,
    NietLegeLijst,
    Organisatie,
    Tekst,
    Verzoek,
    vereist,
)
from domain.regels import (
    GEBEURD,
    alleen_leerling,
    dossier_open,
    iets_te_evalueren,
    instemming_ouders,
    minstens_ozs,
    opp_binnen_jaar,
    regiehouder_benoemd,
    toestemming_zat,
)
from domain.verklaring import BETROKKEN, IB, REGIEHOUDER, ZORGCOORDINATOR, Verklaring
from domain.waarden import AfsluitReden, DoelenBehaald, TerugkoppelingAan, Vervolg

_BIJ_DE_MENTOR = ("mentor", ("eigen_klas", "onder_ozs"))
_PLAN = (*REGIEHOUDER, *IB, *ZORGCOORDINATOR, _BIJ_DE_MENTOR)
_REGIE = (*REGIEHOUDER, *ZORGCOORDINATOR)


class MedewerkerVerzoek(Verzoek):
    medewerker_id: Naam
    naam: Naam


def _medewerker(segment: str, gebeurtenis: str, label: str) -> Verklaring:
    """A staff member given a part in the file: the zorgcoördinator's, from the OZS on."""
    return Verklaring(
        segment=segment,
        samenvatting=label[0].upper() + label[1:],
        gebeurtenissen={gebeurtenis: label},
        regels=(dossier_open, alleen_leerling, minstens_ozs),
        schrijven=ZORGCOORDINATOR,
    )


class RegiehouderVerzoek(MedewerkerVerzoek):
    verklaring = _medewerker("regiehouder", "RegiehouderBenoemd", "regiehouder benoemd")


class InternBegeleiderVerzoek(MedewerkerVerzoek):
    verklaring = _medewerker(
        "intern-begeleider", "InternBegeleiderGekoppeld", "intern begeleider gekoppeld"
    )


class HandelingsplanVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="handelingsplan",
        samenvatting="Handelingsplan vastgesteld",
        gebeurtenissen={"HandelingsplanVastgesteld": "handelingsplan vastgesteld"},
        regels=(dossier_open, alleen_leerling, regiehouder_benoemd),
        schrijven=_PLAN,
    )

    doelen: NietLegeLijst
    interventies: Lijst = Field(default_factory=list)
    evaluatiedatum: Datum


class OppVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="opp",
        samenvatting="Ontwikkelingsperspectiefplan (OPP) vastgesteld",
        gebeurtenissen={"OPPVastgesteld": "OPP vastgesteld"},
        # Set today: its evaluation date is measured from the service's today.
        regels=(
            dossier_open,
            alleen_leerling,
            regiehouder_benoemd,
            instemming_ouders,
            opp_binnen_jaar,
        ),
        schrijven=_REGIE,
    )

    uitstroomperspectief: Tekst
    doelen: NietLegeLijst
    evaluatiedatum: Datum
    instemming_ouders: StrictBool = Field(
        description="Ouders stemmen in met het handelingsdeel; zonder instemming 409."
    )


class OzsBesprekingVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="ozs-besprekingen",
        samenvatting="Besproken in het OZS",
        gebeurtenissen={"BesprokenInOZS": "besproken in OZS"},
        regels=(dossier_open, minstens_ozs, GEBEURD),
        schrijven=(*ZORGCOORDINATOR, ("zorgteam", ())),
    )

    datum: Datum
    verslag: Tekst
    aanwezigen: Lijst = Field(default_factory=list)
    adviezen: Lijst = Field(default_factory=list)
    volgende_bespreking: Datum | None = None


class TerugkoppelingVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="terugkoppelingen",
        samenvatting="Terugkoppeling gegeven",
        gebeurtenissen={"TerugkoppelingGegeven": "terugkoppeling gegeven"},
        regels=(dossier_open, signaalgever, GEBEURD),
        schrijven=BETROKKEN,
    )

    aan: TerugkoppelingAan
    datum: Datum
    inhoud: Tekst
    signaalgever: Naam | None = Field(
        default=None,
        description="Bij `aan: signaalgever`: het id van de medewerker die het signaal "
        "meldde (mag weg als het dossier één signaalgever heeft). Alleen die ziet de "
        "terugkoppeling.",
    )


class EvaluatieVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="evaluaties",
        samenvatting="Evaluatie uitgevoerd",
        # With vervolg `afsluiten` it also records CasusAfgesloten (AfsluitingVerzoek's).
        gebeurtenissen={"EvaluatieUitgevoerd": "evaluatie uitgevoerd"},
        regels=(dossier_open, iets_te_evalueren, GEBEURD),
        schrijven=_PLAN,
    )

    datum: Datum
    doelen_behaald: DoelenBehaald
    conclusie: Tekst
    vervolg: Vervolg
    nieuwe_evaluatiedatum: Datum | None = Field(
        default=None, description="Verplicht bij vervolg `voortzetten`."
    )

    @model_validator(mode="after")
    def _datum_bij_voortzetten(self) -> Self:
        if self.vervolg == "voortzetten" and self.nieuwe_evaluatiedatum is None:
            raise vereist("nieuwe_evaluatiedatum", "verplicht wanneer vervolg voortzetten is")
        return self


class ZatVerwijzingVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="zat-verwijzing",
        samenvatting="Doorverwezen naar het ZAT",
        gebeurtenissen={"DoorverwezenNaarZAT": "doorverwezen naar ZAT"},
        regels=(
            dossier_open,
            alleen_leerling,
            minstens_ozs,
            regiehouder_benoemd,
            toestemming_zat,
            GEBEURD,
        ),
        schrijven=_REGIE,
    )

    datum: Datum
    hulpvraag: Tekst
    ketenpartners: Annotated[
        list[Organisatie],
        Field(
            min_length=1,
            max_length=MAX_LIJST,
            description="Codes van de organisaties van de ketenpartners, bijv. wijkteam-noord.",
        ),
    ]


class AfsluitingVerzoek(Verzoek):
    verklaring: ClassVar[Verklaring] = Verklaring(
        segment="afsluiting",
        samenvatting="Dossier afgesloten",
        gebeurtenissen={"CasusAfgesloten": "dossier afgesloten"},
        regels=(dossier_open, GEBEURD),
        schrijven=(*REGIEHOUDER, *ZORGCOORDINATOR, _BIJ_DE_MENTOR),
    )

    datum: Datum
    reden: AfsluitReden
