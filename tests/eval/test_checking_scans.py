"""The scan eval's scoring: seals and signatures judged against the rendered ground truth, and
the case writer's NEW- ids mapped to rules that exist."""

from __future__ import annotations

from eval.checking_scans import RULE_IDS, SCAN_DIR, expected_findings, extra_seals, finding_agreement, score_marks

W, H = 1000, 1400


def page(seals=(), signatures=(), photo=False, scanned=True):
    return {"file": "a.pdf", "page": 1, "scanned": scanned, "photo": photo, "seals": list(seals),
            "signatures": list(signatures)}


def marks(seals=(), colour=True, signatures=()):
    return {"file": "a.pdf", "page": 1, "width": W, "height": H, "colour": colour,
            "seals": [{"box": list(b), "shape": "round", "score": 1.0} for b in seals],
            "signatures": [{"label_box": list(b), "status": s} for b, s in signatures]}


SEAL_BOX = [0.5, 0.5, 0.7, 0.64]  # fractions
SEAL_PX = (500, 700, 700, 896)


def test_seal_states_are_scored_against_what_the_page_showed():
    present = {"role": "unit", "state": "present", "box": SEAL_BOX, "anchor_box": SEAL_BOX}
    absent = {"role": "unit", "state": "absent", "box": None, "anchor_box": SEAL_BOX}
    bw = {"role": "unit", "state": "bw", "box": SEAL_BOX, "anchor_box": SEAL_BOX}
    assert [r["right"] for r in score_marks({"pages": [page([present])]}, [marks([SEAL_PX])])] == [True]
    assert [r["seen"] for r in score_marks({"pages": [page([present])]}, [marks([(0, 0, 100, 100)])])] == ["absent"]
    assert [r["right"] for r in score_marks({"pages": [page([absent])]}, [marks()])] == [True]
    assert [r["right"] for r in score_marks({"pages": [page([absent])]}, [marks([SEAL_PX])])] == [False]
    assert [r["right"] for r in score_marks({"pages": [page([bw])]}, [marks(colour=False)])] == [True]
    assert [r["right"] for r in score_marks({"pages": [page([bw])]}, [marks([SEAL_PX])])] == [False]
    # one detected seal answers for one stamped seal only
    two = [present, {**present, "role": "cpa_personal"}]
    assert [r["right"] for r in score_marks({"pages": [page(two)]}, [marks([SEAL_PX])])] == [True, False]
    # text-layer pages carry no marks
    assert score_marks({"pages": [page([present], scanned=False)]}, []) == []


def test_seals_seen_where_none_was_stamped_are_counted():
    truth = {"pages": [page([{"role": "unit", "state": "present", "box": SEAL_BOX, "anchor_box": SEAL_BOX}])]}
    assert extra_seals(truth, [marks([SEAL_PX])]) == 0
    assert extra_seals(truth, [marks([SEAL_PX, (0, 0, 120, 120)])]) == 1


def test_signature_fields_are_matched_by_their_label():
    label = [0.3, 0.2, 0.5, 0.23]
    truth = {"pages": [page(signatures=[{"anchor": "法定代表人（签字）", "anchor_box": label, "state": "present"}])]}
    near = (300, 282, 500, 322)
    assert [r["right"] for r in score_marks(truth, [marks(signatures=[(near, "present")])])] == [True]
    assert [r["seen"] for r in score_marks(truth, [marks(signatures=[(near, "unsure")])])] == ["unsure"]
    assert [r["seen"] for r in score_marks(truth, [marks(signatures=[((0, 1200, 100, 1240), "present")])])] == ["no field"]


def test_status_and_page_agreement():
    wanted = [{"rule_id": "AR-SEAL", "status": "unsure", "page": 2}, {"rule_id": "AR-04"}]
    got = [{"rule_id": "AR-SEAL", "status": "unsure", "page": 2, "file": "a.pdf"},
           {"rule_id": "AR-04", "status": "missing", "page": 0, "file": ""}]
    assert finding_agreement(wanted, got) == (2, 2, 1, 1)
    assert finding_agreement(wanted, [{**got[0], "status": "missing", "page": 1}]) == (0, 1, 0, 1)


def test_the_new_ids_name_rules_of_the_rulebook(rulebook):
    for new_id, rule_id in RULE_IDS.items():
        assert rulebook.by_id(rule_id), new_id
    used = {f["rule_id"] for path in sorted(SCAN_DIR.glob("*/*.yaml"))
            for f in expected_findings(__import__("yaml").safe_load(path.read_text(encoding="utf-8")))}
    assert used and all(not rule_id.startswith("NEW-") for rule_id in used)
    known = {rule.id for rule in rulebook.rules}
    assert used <= known
