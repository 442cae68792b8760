"""`curator item new` and `item set`: catalogue files written valid and canonical from the command
line, with parameters checked against list.toml; every refusal leaves the catalogue unchanged."""

from __future__ import annotations

import pytest

from curator.core import catalogue
from curator.store.index.load import load

RTX_5090 = ("--name", "GeForce RTX 5090", "--maker", "NVIDIA", "--origin", "US",
            "--param", "tpp=6700", "--param", "datacenter=false", "--kind", "gpu",
            "--source", "https://example.org/rtx-5090-datasheet", "--mass-market")  # fmt: skip


def item(cli, lst, *args, acting="industry-1"):
    return cli("item", *args, "--as", acting, "--list", str(lst.root))


def test_item_new_writes_a_valid_canonical_file(lst, cli):
    run = item(cli, lst, "new", "rtx-5090", *RTX_5090)
    assert run.code == 0, run.err
    assert run.out == "catalogue/rtx-5090.toml: created item rtx-5090\n"
    written = load(lst.root).catalogue["rtx-5090"]
    assert (written.name, written.maker, written.origin, written.kind) == (
        "GeForce RTX 5090", "NVIDIA", "US", "gpu",
    )  # fmt: skip
    assert written.params == {"tpp": 6700, "datacenter": False}
    assert written.mass_market is True
    assert written.concern is None  # the committee's judgement is recorded apart, with a basis
    assert written.sources == ("https://example.org/rtx-5090-datasheet",)
    assert written.param_sources == dict.fromkeys(("tpp", "datacenter"), written.sources[0])
    assert cli("check", "--list", str(lst.root)).code == 0
    assert cli("fmt", "--check", "--list", str(lst.root)).code == 0


def test_a_new_item_is_weighed(lst, cli):
    assert item(cli, lst, "new", "rtx-5090", *RTX_5090).code == 0
    run = cli("weigh", "3A090", "--format", "json", "--list", str(lst.root))
    assert run.code == 0, run.err
    assert "rtx-5090" in run.out


def test_numbers_keep_their_kind_and_origin_its_case(lst, cli):
    run = item(cli, lst, "new", "chip", "--name", "Chip", "--origin", "jp", "--param",
               "performance_density=5.92", "--param", "tpp=1e4", "--source", "s")  # fmt: skip
    assert run.code == 0, run.err
    text = lst.read("catalogue/chip.toml")
    assert 'origin = "JP"' in text
    assert "performance_density = 5.92" in text
    assert "tpp = 10000.0" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--param", "tpq=6700"),
         "--param: parameter 'tpq' is not declared in list.toml (did you mean 'tpp'?)"),
        (("--param", "qubits=54"),
         "parameter 'qubits' is not declared in list.toml (declared: datacenter, interconnect, "
         "performance_density, tpp)"),
        (("--param", "tpp=fast"),
         "--param: 'tpp' is measured in TPP: give a number, not 'fast'"),
        (("--param", "tpp=6,700"), "numbers take no thousands separators (write 6700)"),
        (("--param", "tpp=inf"), "give a number, not 'inf'"),
        (("--param", "tpp=1e999"), "'1e999' for 'tpp' is out of range"),
        (("--param", "datacenter=1"), "'datacenter' is a yes/no flag: give true or false"),
        (("--param", "tpp"), "'tpp' is not NAME=VALUE (e.g. tpp=4800)"),
        (("--param", "tpp=1", "--param", "tpp=2"), "'tpp' is given twice"),
        (("--origin", "UK"),
         "--origin: 'UK' is not an ISO 3166-1 alpha-2 country code such as US, JP or NL "
         "(did you mean 'GB'?)"),
        (("--origin", "JPN"), "(did you mean 'JP'?)"),
        (("--origin", "XX"), "'XX' is not an ISO 3166-1 alpha-2 country code"),
        (("--kind", "AI Chip"), "--kind: 'AI Chip' is not a kind"),
        (("--source", " "), "--source: a source is one line"),
    ],
    ids=["undeclared", "undeclared, none close", "not a number", "grouped", "inf", "too large",
         "flag", "no value", "twice", "UK", "alpha-3", "unassigned", "kind", "empty source"],
)  # fmt: skip
def test_item_new_refuses_bad_input_and_writes_nothing(lst, cli, args, message):
    before = lst.snapshot()
    run = item(cli, lst, "new", "chip", "--name", "Chip", "--source", "s", *args)
    assert run.code == 1
    assert message in run.err
    assert "Traceback" not in run.err
    assert lst.snapshot() == before


def test_item_new_says_every_problem_at_once(lst, cli):
    run = item(cli, lst, "new", "chip", "--name", "Chip", "--param", "tpq=1",
               "--param", "tpp=x")  # fmt: skip
    assert run.code == 1
    assert run.err.splitlines() == [
        "curator: --source: an item needs at least one source for its figures",
        "curator: --param: parameter 'tpq' is not declared in list.toml (did you mean 'tpp'?)",
        "curator: --param: 'tpp' is measured in TPP: give a number, not 'x'",
    ]


def test_item_new_refuses_an_existing_item_or_a_bad_id(lst, cli):
    before = lst.snapshot()
    run = item(cli, lst, "new", "a100", "--name", "A100 again", "--source", "s")
    assert run.code == 1
    assert "catalogue/a100.toml already exists" in run.err
    for bad in ("../x", "A100", "a/b"):
        run = item(cli, lst, "new", bad, "--name", "X", "--source", "s")
        assert run.code == 1
        assert f"'{bad}' is not a valid item id" in run.err
    assert lst.snapshot() == before


def test_a_value_toml_cannot_hold_is_refused_before_writing(lst, cli):
    before = lst.snapshot()
    run = item(cli, lst, "new", "chip", "--name", "Chip", "--source", "s",
               "--param", "tpp=99999999999999999999")  # fmt: skip
    assert run.code == 1
    assert "params.tpp: the integer is outside the 64-bit range TOML allows" in run.err
    assert lst.snapshot() == before


@pytest.mark.parametrize(
    ("acting", "message"),
    [("observer-1", "observers read but do not write"),
     ("mallory", "'mallory' is not a member of this list")],
)  # fmt: skip
def test_observers_and_strangers_add_no_items(lst, cli, acting, message):
    before = lst.snapshot()
    run = item(cli, lst, "new", "rtx-5090", *RTX_5090, acting=acting)
    assert run.code == 1
    assert message in run.err
    assert lst.snapshot() == before


def test_item_set_changes_parameters_and_adds_sources_keeping_comments(lst, cli):
    text = lst.read("catalogue/h20.toml").replace(
        "[params]", "# figures from the spec sheet\n[params]"
    )
    lst.write(
        "catalogue/h20.toml", text.replace('origin = "US"', 'origin = "US"  # designed there')
    )
    run = item(cli, lst, "set", "h20", "--param", "tpp=2400", "--param", "interconnect=900",
               "--source", "https://example.org/h20")  # fmt: skip
    assert run.code == 0, run.err
    assert run.out == "catalogue/h20.toml: updated\n"
    changed = load(lst.root).catalogue["h20"]
    assert changed.params == {
        "tpp": 2400, "performance_density": 2.91, "datacenter": True, "interconnect": 900,
    }  # fmt: skip
    assert changed.sources == ("test fixture", "https://example.org/h20")
    assert changed.param_sources["interconnect"] == "https://example.org/h20"
    assert changed.concern is not None  # the fixture's concern record is kept
    written = lst.read("catalogue/h20.toml")
    assert "# figures from the spec sheet\n[params]" in written
    assert 'origin = "US"  # designed there' in written
    assert cli("check", "--list", str(lst.root)).code == 0
    assert cli("fmt", "--check", "--list", str(lst.root)).code == 0


def test_item_set_that_changes_nothing_writes_nothing(lst, cli):
    before = lst.snapshot()
    run = item(cli, lst, "set", "h20", "--param", "tpp=2368", "--source", "test fixture")
    assert run.code == 0
    assert run.out == "catalogue/h20.toml: unchanged\n"
    assert lst.snapshot() == before


def test_item_set_refuses_bad_input_an_unknown_item_and_a_broken_file(lst, cli):
    lst.write("catalogue/broken.toml", 'id = "broken"\nname = \n')
    before = lst.snapshot()
    run = item(cli, lst, "set", "h20", "--param", "tpp=lots")
    assert (run.code, "give a number, not 'lots'" in run.err) == (1, True)
    run = item(cli, lst, "set", "h2O", "--param", "tpp=1")
    assert (run.code, "no catalogue item 'h2O'" in run.err) == (1, True)
    run = item(cli, lst, "set", "broken", "--param", "tpp=1")
    assert (run.code, "catalogue/broken.toml is broken: run `curator check`" in run.err) == (
        1,
        True,
    )
    assert lst.snapshot() == before


def test_a_new_item_needs_a_name_and_a_source():
    draft = catalogue.new_item("chip", catalogue.ItemFields(), {})
    assert [(p.field, p.code) for p in draft.problems] == [
        ("name", "no-name"),
        ("source", "no-source"),
    ]
