"""Localities: everything that varies by place, as data (corpus/localities/<place>.yaml).

A locality file holds the place's names (the city, its districts and counties,
short names, the words that mean "this city": 本市, 全市, 市级), address
prefixes, the registration authority, the issuers of its own documents, its
direct-registration categories, and the legal numbers it sets itself
(``bounds``: e.g. the 开办资金 of a city-level 社会服务机构) — each value with its
source. National law is in corpus/rules/_law.yaml; a locality only adds to it or
overrides it, so an unknown locality falls back to national law with a visible
notice, never to another place's numbers.

    localities = load_localities(Path("corpus/localities"))
    here = localities.get("洛阳市")          # or "西工区", "洛阳市西工区"
    here.places()                           # ["洛阳市", "老城区", "西工区", …]
    here.city_words                         # ("本市", "全市", "市级", "市里")
    localities.all_known_places()           # every shipped place: for "那洛阳市呢？"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.rules.provisions import Provision, parse_provision

DEFAULT_CITY_WORDS = ("本市", "全市", "市级")
# Places that mean the whole country: national organizations (登记管理机关: 民政部) follow national law only.
NATIONAL_NAMES = ("全国", "中华人民共和国", "中国")


class LocalityError(ValueError):
    """A locality file that cannot be read or does not fit the schema (message names the file)."""


@dataclass(frozen=True)
class DirectRegistration:
    """Which 领域类别 register without a 业务主管单位 here, and on what basis."""

    categories: tuple[str, ...]
    basis: str


@dataclass(frozen=True)
class Locality:
    name: str  # 洛阳市
    province: str = ""  # 河南省 (a municipality is its own province)
    short_names: tuple[str, ...] = ()  # 洛阳
    city_words: tuple[str, ...] = DEFAULT_CITY_WORDS  # words that mean this city in a question or a notice
    districts: tuple[str, ...] = ()  # 西工区 … (区, 县, 县级市)
    address_prefixes: tuple[str, ...] = ()  # 河南省洛阳市, 洛阳市 … (stripped before addresses are compared)
    registration_authority: str = ""  # 洛阳市民政局
    lower_level: str = "区级"  # what the level below the city is called here
    area_code: str = ""  # telephone area code
    issuers: tuple[str, ...] = ()  # issuers of the locality's own documents
    doc_number_prefixes: tuple[str, ...] = ()  # the 文号 prefixes of its own documents
    words: tuple[str, ...] = ()  # local terms (programmes, place words) a reader should keep whole
    direct_registration: DirectRegistration | None = None
    provisions: dict[str, Provision] = field(default_factory=dict)  # local bounds and provisions, by key
    data: dict[str, Any] = field(default_factory=dict)  # further local data sets (lists with their bases)
    sources: dict[str, str] = field(default_factory=dict)  # where each value came from
    notice: str = ""  # set when this locality has no file of its own
    registry: "Localities | None" = field(default=None, compare=False, repr=False)

    # --- places ---------------------------------------------------------------------
    def places(self) -> list[str]:
        """The locality and its districts: ["洛阳市", "老城区", …]."""
        return [self.name, *self.districts]

    def generic_terms(self) -> list[str]:
        """Words that only say *where* (the city under every name, its districts, level words):
        they do not tell two passages about the same place apart."""
        words = [self.name, *self.short_names, *self.city_words, self.lower_level, *self.districts]
        words += [d[:-1] for d in self.districts if len(d) >= 3 and d.endswith(("区", "县"))]
        return list(dict.fromkeys(w for w in words if w))

    def district_of(self, text: str) -> str | None:
        """The first of this locality's districts named in ``text`` (西工 counts for 西工区)."""
        found = [(text.find(d), d) for d in self.districts if d in text]
        found += [(text.find(d[:-1]), d) for d in self.districts if len(d) >= 3 and d[:-1] in text]
        return min(found)[1] if found else None

    def names(self, place: str) -> bool:
        """Whether ``place`` is this locality, one of its names, or one of its districts."""
        place = place.strip()
        return (place in (self.name, *self.short_names, *self.districts)
                or any(place == self.name + d for d in self.districts))

    def strip_address_prefix(self, address: str) -> str:
        for prefix in sorted(self.address_prefixes, key=len, reverse=True):
            if address.startswith(prefix):
                return address[len(prefix):]
        return address

    def authority_for(self, district: str | None = None) -> str:
        """The registration authority of the city, or of one of its districts."""
        return f"{self.name}{district}民政局" if district else self.registration_authority

    @property
    def is_known(self) -> bool:
        return not self.notice

    def all_known_places(self) -> list[str]:
        """Every shipped locality's names (for resolving "那洛阳市呢？"); just this one without a registry."""
        return self.registry.all_known_places() if self.registry else self.places()


@dataclass
class Localities:
    """Every shipped locality, by name."""

    by_name: dict[str, Locality]
    directory: Path | None = None

    def __post_init__(self) -> None:
        self.by_name = {name: _with_registry(loc, self) for name, loc in self.by_name.items()}

    def names(self) -> list[str]:
        return list(self.by_name)

    def find(self, place: str) -> tuple[Locality, str | None] | None:
        """The shipped locality a place name belongs to, and the district it names (if any)."""
        place = (place or "").strip()
        for loc in self.by_name.values():
            if place in (loc.name, *loc.short_names):
                return loc, None
            for d in loc.districts:
                if place in (d, loc.name + d, loc.province + loc.name + d):
                    return loc, d
            if place.startswith(loc.name) or place.startswith(loc.province + loc.name):
                return loc, loc.district_of(place)
        return None

    def get(self, place: str) -> Locality:
        """The locality for a place name; an unknown place gets national rules only, with a notice."""
        found = self.find(place)
        if found:
            return found[0]
        if place in NATIONAL_NAMES:
            return self.national()
        where = f"{self.directory.parent.name}/{self.directory.name}/{place}.yaml" if self.directory else f"{place}.yaml"
        notice = (f"没有“{place}”的地方规则文件（{where}），只适用全国性规定；地方设定的数值（如社会服务机构开办资金）不作检查。"
                  f" / No locality file for {place!r}: national rules only.")
        return Locality(name=place, registration_authority=f"{place}民政局", notice=notice, registry=self)

    def national(self) -> Locality:
        """The whole country: national law only, 民政部 as the registration authority."""
        return Locality(name=NATIONAL_NAMES[0], city_words=(), lower_level="", registration_authority="民政部", registry=self)

    def all_known_places(self) -> list[str]:
        out: list[str] = []
        for loc in self.by_name.values():
            out += [loc.name, *loc.short_names, *loc.districts]
            if loc.province and loc.province != loc.name:
                out.append(loc.province)
        return list(dict.fromkeys(out))

    def defined_keys(self) -> set[str]:
        """Keys of every local provision in any locality (a template may test them)."""
        return {key for loc in self.by_name.values() for key in loc.provisions}


def _with_registry(loc: Locality, registry: Localities) -> Locality:
    return Locality(**{**{f: getattr(loc, f) for f in loc.__dataclass_fields__}, "registry": registry})


def as_tuple(value: Any) -> tuple[str, ...]:
    """A YAML value that is one string or a list of them, as a tuple of strings."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


_FIELDS = {"name", "province", "short_names", "city_words", "districts", "address_prefixes", "registration_authority",
           "lower_level", "area_code", "issuers", "doc_number_prefixes", "words", "direct_registration", "bounds",
           "provisions", "data", "sources"}


def parse_locality(raw: dict[str, Any], source: str) -> Locality:
    if not isinstance(raw, dict) or not raw.get("name"):
        raise LocalityError(f"地方文件 {source} 缺少 name / locality file {source} lacks a name")
    unknown = sorted(set(raw) - _FIELDS)
    if unknown:
        raise LocalityError(f"地方文件 {source} 有未知的键 {unknown} / unknown keys in {source}: {unknown}")
    name = str(raw["name"])
    provisions: dict[str, Provision] = {}
    for section in ("bounds", "provisions"):
        for key, entry in (raw.get(section) or {}).items():
            try:
                provisions[str(key)] = parse_provision(str(key), entry, locality=name)
            except ValueError as exc:
                raise LocalityError(f"地方文件 {source}：{exc} / invalid entry {key} in {source}") from None
    direct = raw.get("direct_registration")
    return Locality(
        name=name,
        province=str(raw.get("province", "")),
        short_names=as_tuple(raw.get("short_names")),
        city_words=as_tuple(raw.get("city_words")) or DEFAULT_CITY_WORDS,
        districts=as_tuple(raw.get("districts")),
        address_prefixes=as_tuple(raw.get("address_prefixes")),
        registration_authority=str(raw.get("registration_authority") or f"{name}民政局"),
        lower_level=str(raw.get("lower_level") or "区级"),
        area_code=str(raw.get("area_code", "")),
        issuers=as_tuple(raw.get("issuers")),
        doc_number_prefixes=as_tuple(raw.get("doc_number_prefixes")),
        words=as_tuple(raw.get("words")),
        direct_registration=DirectRegistration(as_tuple(direct.get("categories")), str(direct.get("basis", "")))
        if isinstance(direct, dict) else None,
        provisions=provisions,
        data=dict(raw.get("data") or {}),
        sources={str(k): str(v) for k, v in (raw.get("sources") or {}).items()},
    )


def load_localities(directory: Path) -> Localities:
    """Every ``<place>.yaml`` in ``directory`` (files starting with ``_`` are notes)."""
    directory = Path(directory)
    by_name: dict[str, Locality] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as exc:
            raise LocalityError(f"地方文件 {path.name} 无法读取：{exc} / cannot read locality file {path.name}") from None
        loc = parse_locality(raw, path.name)
        if loc.name in by_name:
            raise LocalityError(f"地方“{loc.name}”重复定义：{path.name} / duplicate locality {loc.name}")
        by_name[loc.name] = loc
    return Localities(by_name, directory)
