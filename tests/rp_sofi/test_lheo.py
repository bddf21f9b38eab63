"""The Lhéo 2.2 export: what a partner reads in it, and the schema rules that keep it readable."""

import dataclasses
import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from rp_sofi.lheo import export, tables
from rp_sofi.lheo.export import (
    NAMESPACE,
    LheoAction,
    LheoDispositif,
    LheoFormation,
    LheoInvalid,
    LheoOrganisme,
    LheoSession,
    LheoSite,
    build,
    validate,
    write,
)

NS = {"l": NAMESPACE}
IDMV = LheoOrganisme(
    siret="99966088900018",
    nda="52850000085",
    raison_sociale="INSTITUT DEMO DES METIERS DE LA VIANDE",
    nom="IDMV",
    adresse="9 rue des Bouchers Démo",
    code_postal="85000",
    ville="La Roche-sur-Yon",
    telephone="02 51 00 00 00",
    courriel="contact@idmv.example",
)
SIEGE = LheoSite("IDMV La Roche-sur-Yon", "9 rue des Bouchers Démo", "85000", "La Roche-sur-Yon", "02 51 00 00 00")
CHOLET = LheoSite("IDMV Cholet", "3 avenue de l'Abattoir", "49300", "Cholet")
PRIVE = LheoDispositif(
    code="PRIVE",
    label=tables.label(tables.DISPOSITIFS, "PRIVE"),
    nb_places=8,
    cout_stagiaire=Decimal("4200"),
    prise_en_charge=True,
    codes_externes="EXT-42",
    nb_remuneres=2,
    publics=("80006", "82044"),
)
AIF = LheoDispositif("AIF", "AIF", nb_places=4, cout_stagiaire=Decimal("3900.5"), prise_en_charge=False)


def session(id: int, debut: date, fin: date, **changes: Any) -> LheoSession:
    values: dict[str, Any] = {
        "lieu": SIEGE,
        "capacite": 12,
        "places_disponibles": 5,
        "modalites_enseignement": "0",
        "rythmes": ["TEMPS_PLEIN", "JOURNEE"],
        "dispositifs": [PRIVE, AIF],
    }
    return LheoSession(id, debut, fin, **values | changes)


def action(**changes: Any) -> LheoAction:
    values: dict[str, Any] = {
        "id": 5101,
        "complement_intitule": "en alternance",
        "url": "https://idmv.example/cap-boucher",
        "niveau_entree": "1",
        "type_parcours": "1",
        "modalites_pedagogiques": ["96414", "96142"],
        "entrees_sorties": "DATES_FIXES",
        "duree_centre": 400,
        "duree_entreprise": 800,
        "duree_hebdo": 35,
        "commentaire_prerequis": "Entretien de motivation",
        "dispensateur": SIEGE,
        "organisme": IDMV,
        "sessions": [
            session(7001, date(2027, 1, 5), date(2027, 6, 30)),
            session(7002, date(2027, 9, 6), date(2028, 2, 25), places_disponibles=0),
        ],
        "created": date(2026, 3, 2),
        "updated": date(2026, 4, 15),
    }
    return LheoAction(**values | changes)


def cap_boucher(**changes: Any) -> LheoFormation:
    values: dict[str, Any] = {
        "id": 4101,
        "certifinfo": 31999,
        "code_rncp": None,
        "intitule": "CAP boucher",
        "objectif": "Préparer, découper et présenter les viandes.",
        "programme": "Anatomie, découpe, hygiène, vente.",
        "formacodes": ["21046"],
        "niveau_sortie": tables.NIVEAU_FROM_CADRE_NATIONAL["3"],
        "eligible_cpf": True,
        "organisme": IDMV,
        "actions": [action()],
        "created": date(2026, 3, 1),
        "updated": date(2026, 4, 15),
    }
    return LheoFormation(**values | changes)


def texts(xml: bytes, path: str) -> list[str]:
    return [node.text for node in etree.fromstring(xml).xpath(path, namespaces=NS)]


def test_cap_boucher_export_is_valid() -> None:
    validate(build([cap_boucher()]))


def test_partner_reads_the_formation_and_its_organisme() -> None:
    xml = build([cap_boucher()])

    assert texts(xml, "/l:lheo/l:offres/l:formation/l:intitule-formation") == ["CAP boucher"]
    assert texts(xml, "//l:formation/l:certification/l:code-CERTIFINFO") == ["31999"]
    assert texts(xml, "//l:formation/l:code-niveau-sortie") == ["4"]  # niveau V (CAP) in Lhéo 2.2
    responsable = "//l:formation/l:organisme-formation-responsable"
    assert texts(xml, f"{responsable}/l:SIRET-organisme-formation/l:SIRET") == ["99966088900018"]
    assert texts(xml, f"{responsable}/l:numero-activite") == ["52850000085"]
    assert texts(xml, "//l:action/l:organisme-formateur/l:SIRET-formateur/l:SIRET") == ["99966088900018"]
    formation = etree.fromstring(xml).find("l:offres/l:formation", NS)
    assert (formation.get("numero"), formation.get("datecrea"), formation.get("datemaj")) == (
        "4101",
        "20260301",
        "20260415",
    )


def test_partner_reads_each_session_with_its_dates_place_and_dispositifs() -> None:
    xml = build([cap_boucher()])

    assert len(texts(xml, "//l:action")) == 1
    assert [s.get("numero") for s in etree.fromstring(xml).iterfind(".//l:session", NS)] == ["7001", "7002"]
    assert texts(xml, "//l:session/l:periode/l:debut") == ["20270105", "20270906"]
    assert texts(xml, "//l:session/l:periode/l:fin") == ["20270630", "20280225"]
    assert texts(xml, "//l:session/l:etat-recrutement") == ["1", "2"]  # ouvert, then fermé: no place left
    assert texts(xml, "//l:action/l:lieu-de-formation/l:coordonnees/l:nom") == ["IDMV La Roche-sur-Yon"]
    assert texts(xml, "//l:action/l:lieu-de-formation//l:ville") == ["La Roche-sur-Yon"]
    dispositifs = "//l:session[1]/l:extras[@info='sofi']/l:extra[@info='dispositif']/l:dispositif"
    assert texts(xml, f"{dispositifs}/l:libelle-dispositif") == [
        "Formation avec financement privé (Opca, Opacif, entreprise, individuel)",
        "AIF",
    ]
    assert texts(xml, f"{dispositifs}/l:cout-stagiaire") == ["4200.00", "3900.50"]


def test_action_fields_are_derived_from_sessions_and_dispositifs() -> None:
    xml = build([cap_boucher()])

    assert texts(xml, "//l:action/l:rythme-formation") == ["En journée, Temps plein (35 h par semaine)"]
    assert texts(xml, "//l:action/l:code-public-vise") == ["80006", "82044"]
    assert texts(xml, "//l:action/l:prix-total-TTC") == ["4200.00"]  # Lhéo: the maximum cost per trainee
    assert texts(xml, "//l:action/l:modalites-entrees-sorties") == ["0"]
    assert texts(xml, "//l:action/l:nombre-heures-total") == ["1200"]
    assert texts(xml, "//l:action/l:code-modalite-pedagogique") == ["96414", "96142"]


def test_sessions_at_two_places_become_two_actions_with_the_same_numero() -> None:
    sessions = [
        session(7001, date(2027, 1, 5), date(2027, 6, 30)),
        session(7003, date(2027, 2, 1), date(2027, 7, 2), lieu=CHOLET),
    ]
    xml = build([cap_boucher(actions=[action(sessions=sessions)])])

    validate(xml)
    actions = etree.fromstring(xml).findall(".//l:action", NS)
    assert [a.get("numero") for a in actions] == ["5101", "5101"]
    assert texts(xml, "//l:action/l:lieu-de-formation//l:ville") == ["La Roche-sur-Yon", "Cholet"]
    assert [len(a.findall("l:session", NS)) for a in actions] == [1, 1]


def test_actions_that_disagree_get_the_neutral_formation_values() -> None:
    other = action(id=5102, niveau_entree="4", type_parcours="2")
    xml = build([cap_boucher(actions=[action(), other])])

    validate(xml)
    assert texts(xml, "//l:formation/l:code-niveau-entree") == [tables.NIVEAU_NON_COMMUNIQUE]
    assert texts(xml, "//l:formation/l:parcours-de-formation") == [tables.PARCOURS_MIXTE]


def test_required_texts_sofi_lacks_get_lheo_neutral_wording() -> None:
    bare = action(
        commentaire_prerequis="  ",
        duree_entreprise=0,
        duree_hebdo=None,
        sessions=[session(1, date(2027, 1, 5), date(2027, 1, 30), rythmes=[], dispositifs=[])],
    )
    xml = build([cap_boucher(objectif="", programme="", actions=[bare])])

    validate(xml)
    assert texts(xml, "//l:objectif-formation") == [export.NOT_PROVIDED]
    assert texts(xml, "//l:action/l:conditions-specifiques") == [export.NOT_PROVIDED]
    assert texts(xml, "//l:action/l:rythme-formation") == [export.NOT_PROVIDED]
    assert texts(xml, "//l:action/l:code-public-vise") == [tables.PUBLIC_TOUT_PUBLIC]
    assert texts(xml, "//l:action/l:prise-en-charge-frais-possible") == ["0"]


def test_actions_without_sessions_are_left_out() -> None:
    empty = cap_boucher(id=4102, actions=[action(sessions=[])])
    xml = build([cap_boucher(actions=[action(), action(id=5199, sessions=[])]), empty])

    validate(xml)
    assert [f.get("numero") for f in etree.fromstring(xml).iterfind(".//l:formation", NS)] == ["4101"]
    assert [a.get("numero") for a in etree.fromstring(xml).iterfind(".//l:action", NS)] == ["5101"]


def test_xml_special_characters_survive_a_round_trip() -> None:
    intitule = 'Boucher & charcutier <traiteur> « l\'art » "découpe" — œuf à 100 %'
    organisme = dataclasses.replace(IDMV, raison_sociale="L'Étal & Cie <SARL>")
    xml = build([cap_boucher(intitule=intitule, programme="Hygiène\x0bdécoupe", organisme=organisme)])

    validate(xml)
    assert texts(xml, "//l:intitule-formation") == [intitule]
    assert texts(xml, "//l:contenu-formation") == ["Hygiènedécoupe"]  # a control character XML cannot carry
    assert texts(xml, "//l:organisme-formation-responsable/l:raison-sociale") == ["L'Étal & Cie <SARL>"]
    assert xml.startswith(b"<?xml") and "œuf".encode() in xml  # UTF-8, not character references


def test_an_empty_export_is_valid() -> None:
    xml = build([])

    validate(xml)
    assert etree.fromstring(xml).xpath("count(//l:formation)", namespaces=NS) == 0


def test_write_streams_formations_from_a_generator() -> None:
    stream = io.BytesIO()
    write((cap_boucher(id=n) for n in (1, 2, 3)), stream)

    validate(stream.getvalue())
    assert stream.getvalue() == build([cap_boucher(id=n) for n in (1, 2, 3)])


def remove(path: str) -> Callable[[Any], None]:
    def mutate(root: Any) -> None:
        for node in root.xpath(path, namespaces=NS):
            node.getparent().remove(node)

    return mutate


def set_text(path: str, value: str) -> Callable[[Any], None]:
    def mutate(root: Any) -> None:
        root.xpath(path, namespaces=NS)[0].text = value

    return mutate


def drop_attribute(path: str, name: str) -> Callable[[Any], None]:
    return lambda root: root.xpath(path, namespaces=NS)[0].attrib.pop(name)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (remove("//l:intitule-formation"), "intitule-formation"),
        (remove("//l:organisme-formation-responsable/l:numero-activite"), "numero-activite"),
        (set_text("//l:session/l:periode/l:debut", "2027-01-05"), "debut"),
        (drop_attribute("//l:session", "numero"), "numero"),
        (set_text("//l:code-niveau-entree", "9"), "code-niveau-entree"),
        (set_text("//l:modalites-enseignement", "présentiel"), "modalites-enseignement"),
        (set_text("//l:dispositif/l:code-dispositif", "INCONNU"), "code-dispositif"),
        (drop_attribute("//l:action/l:code-public-vise", "ref"), "ref"),
        (remove("//l:action/l:session"), "session"),
        (remove("//l:formation/l:action"), "action"),
    ],
    ids=[
        "missing-required-element",
        "missing-nda",
        "date-not-aaaammjj",
        "session-without-numero",
        "unknown-niveau",
        "unknown-modalite-enseignement",
        "unknown-dispositif",
        "formacode-code-without-version",
        "action-without-session",
        "formation-without-action",
    ],
)
def test_schema_catches_each_broken_rule(mutate: Callable[[Any], None], message: str) -> None:
    root = etree.fromstring(build([cap_boucher()]))
    mutate(root)

    with pytest.raises(LheoInvalid, match=message):
        validate(etree.tostring(root))


def test_errors_name_the_formation_action_and_session_they_sit_in() -> None:
    root = etree.fromstring(build([cap_boucher()]))
    set_text("//l:session[2]/l:periode/l:fin", "28/02/2028")(root)

    with pytest.raises(LheoInvalid, match=r"^formation 4101, action 5101, session 7002: .*fin"):
        validate(etree.tostring(root))


def test_bad_date_attribute_is_caught() -> None:
    root = etree.fromstring(build([cap_boucher()]))
    root.find(".//l:formation", NS).set("datemaj", "15/04/2026")

    with pytest.raises(LheoInvalid, match="datemaj"):
        validate(etree.tostring(root))


def test_malformed_xml_is_reported_as_invalid() -> None:
    with pytest.raises(LheoInvalid):
        validate(b"<lheo xmlns='http://www.lheo.org/2.2'><offres></lheo>")


def test_schema_is_read_once_from_the_package() -> None:
    assert export.SCHEMA_PATH.parent == Path(export.__file__).parent
    assert export.SCHEMA_PATH.is_file()
    assert export._schema() is export._schema()


@pytest.mark.parametrize(
    ("simple_type", "table"),
    [
        ("CodeNiveau", tables.NIVEAUX),
        ("CodeParcours", tables.PARCOURS),
        ("CodeModalitesEnseignement", tables.MODALITES_ENSEIGNEMENT),
        ("ValeurModalitePedagogique", tables.MODALITES_PEDAGOGIQUES),
        ("ValeurPublic", tables.PUBLICS),
        ("CodeEtatRecrutement", tables.ETATS_RECRUTEMENT),
        ("Booleen", tables.BOOLEEN),
        ("CodeDispositif", tables.DISPOSITIFS),
        ("EtatDispositif", tables.ETATS_DISPOSITIF),
    ],
)
def test_schema_enumerations_are_the_tables_codes(simple_type: str, table: Any) -> None:
    schema = etree.parse(str(export.SCHEMA_PATH))
    xs = {"xs": "http://www.w3.org/2001/XMLSchema"}
    values = schema.xpath(f"//xs:simpleType[@name='{simple_type}']//xs:enumeration/@value", namespaces=xs)

    assert sorted(values) == sorted(tables.codes(table))


def test_entrees_sorties_map_to_the_lheo_keys() -> None:
    schema = etree.parse(str(export.SCHEMA_PATH)).getroot()
    xs = {"xs": "http://www.w3.org/2001/XMLSchema"}
    path = "//xs:simpleType[@name='CodeModalitesEntreesSorties']//xs:enumeration/@value"

    assert sorted(tables.LHEO_ENTREES_SORTIES) == sorted(tables.codes(tables.MODALITES_ENTREES_SORTIES))
    assert sorted(tables.LHEO_ENTREES_SORTIES.values()) == sorted(schema.xpath(path, namespaces=xs))


def test_label_finds_the_french_label_and_refuses_unknown_codes() -> None:
    assert tables.label(tables.PARCOURS, "2") == "individualisé"
    assert tables.label(tables.DISPOSITIFS, "AIF") == "AIF"
    assert [row[0] for row in tables.DISPOSITIFS if row[2]] == ["AIF", "REGION"]
    with pytest.raises(KeyError):
        tables.label(tables.NIVEAUX, "9")
    assert all(re.fullmatch(r"\d{5}", code) for code in tables.codes(tables.PUBLICS))
