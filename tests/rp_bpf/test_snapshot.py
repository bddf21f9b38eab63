"""A BPF stored as JSON reads back as the same BPF, and its snapshot hashes the same whatever the keys' order."""

import json

from rp_bpf.bpf.content import content_from_json
from rp_bpf.bpf.snapshot import canonical_bytes, content_to_json, sha256
from tests.rp_bpf.factories import EXAMPLES, VALID, make_content


def test_every_example_reads_back_as_the_same_bpf() -> None:
    for case in EXAMPLES:
        content = content_from_json(case["bpf"])
        assert content_from_json(content_to_json(content)) == content, case["id"]


def test_the_json_has_the_examples_shape_and_the_computed_totals() -> None:
    stored = content_to_json(content_from_json(VALID))
    for frame in ("c", "d", "e", "f1", "f3", "f4", "f2", "f4_autres", "g", "a", "h", "exercice_du", "siret"):
        assert stored[frame] == VALID[frame], frame
    assert stored["totaux_calcules"] == {
        "c2": 42500,
        "c_total": 155500,
        "f1_total": [152, 6300],
        "f3_total": [152, 6300],
        "f4_total": [152, 6300],
    }


def test_the_hash_covers_every_figure_and_not_the_keys_order() -> None:
    stored = content_to_json(make_content())
    shuffled = json.loads(json.dumps(dict(reversed(list(stored.items())))))
    assert canonical_bytes(shuffled) == canonical_bytes(stored)
    assert sha256(shuffled) == sha256(stored)
    assert sha256(content_to_json(make_content(c1=84001))) != sha256(stored)
