"""quickdc.dataclass: every dataclass of the package behaves as the one dataclasses makes from the same source.

Each module of the package that defines a dataclass is run a second time with ``quickdc.dataclass`` replaced
by dataclasses' own (given the same options), and each pair of classes is put through the same
operations: construction (by keyword, by position, from the defaults, wrong), repr, equality, hashing, order,
assignment and deletion (frozen or not), fields() and replace(). The day a class needs something the shared
methods do not do (a field option, a method of its own), the two disagree here.
"""

from __future__ import annotations

import copy as copy_module
import dataclasses
import importlib
import importlib.util
import pickle
import pkgutil
import sys
from dataclasses import field
from typing import ClassVar

import pytest

import worksheet_gen
from worksheet_gen import quickdc, quickimport  # noqa: F401  (reportlab imported as the package does)


def _dataclasses(module):
    return [value for value in vars(module).values()
            if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == module.__name__]


MODULES = {}
for _info in pkgutil.walk_packages(worksheet_gen.__path__, "worksheet_gen."):
    if not _info.name.endswith("__main__"):
        _module = importlib.import_module(_info.name)
        if _dataclasses(_module):
            MODULES[_info.name] = _module
CLASSES = [(name, cls.__qualname__) for name, module in MODULES.items() for cls in _dataclasses(module)]


def test_the_package_makes_its_dataclasses_with_quickdc():
    """What the comparisons below cover: the classes a build defines (and not a list that went empty). Every one is
    quickdc's, so no dataclass derives from one (dataclasses would take a frozen one of quickdc's for mutable)."""
    made = {f"{module}.{name}" for module, name in CLASSES
            if getattr(MODULES[module], name).__eq__.__code__.co_filename == quickdc.__file__}
    assert {"worksheet_gen.errors.Pos", "worksheet_gen.errors.Problem", "worksheet_gen.model.Fiche",
            "worksheet_gen.model.Question", "worksheet_gen.profiles.Profile", "worksheet_gen.build.Result"} <= made
    assert len(made) == len(CLASSES) >= 30, sorted({f"{m}.{n}" for m, n in CLASSES} - made)


@pytest.fixture
def reference(monkeypatch):
    """The module named, run again with dataclasses.dataclass in place of quickdc.dataclass."""

    def run(name: str):
        spec = importlib.util.spec_from_file_location(f"{name}_reference", MODULES[name].__file__)
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, spec.name, module)  # dataclasses reads the module's namespace
        with monkeypatch.context() as patch:
            patch.setattr(quickdc, "dataclass", dataclasses.dataclass)
            spec.loader.exec_module(module)
        return module

    return run


def _outcome(call, *args, **kwargs):
    """What a user of the call sees: its result (as repr, for objects), or the exception's type and message."""
    try:
        result = call(*args, **kwargs)
    except Exception as error:  # noqa: BLE001  (the comparison is the point)
        return "raises", type(error).__name__, str(error)
    return "gives", result if isinstance(result, (bool, int, type(NotImplemented), type(None))) else repr(result)


class Odd:
    """A value equal to nothing, itself included (as NaN), and less, greater and both than anything."""

    def __eq__(self, other):
        return False

    def __lt__(self, other):
        return True

    __le__ = __gt__ = __ge__ = __lt__
    __hash__ = object.__hash__

    def __repr__(self):
        return "Odd()"


def _values(cls, variant: int, changed: str | None = None, value=None) -> dict:
    """A value for every field the class's __init__ takes: (field number, variant), ``value`` for ``changed``."""
    return {f.name: value if f.name == changed else (n, variant)
            for n, f in enumerate(dataclasses.fields(cls)) if f.init}


def _both(ours, theirs, make):
    """The instance make(cls) gives for each class (None where it raised: _outcome compares the errors)."""
    made = []
    for cls in (ours, theirs):
        try:
            made.append(make(cls))
        except Exception:  # noqa: BLE001
            made.append(None)
    return made


OPERATIONS = {
    "repr": repr,
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "__eq__": lambda a, b: a.__eq__(b),
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "hash": hash,
}


def _compare(ours, theirs, make_a, make_b):
    """Every operation on a pair of instances of each class: the same outcomes."""
    a, ref_a = _both(ours, theirs, make_a)
    b, ref_b = _both(ours, theirs, make_b)
    for name, operation in OPERATIONS.items():
        if name in ("repr", "hash"):
            assert _outcome(operation, a) == _outcome(operation, ref_a), name
        else:
            assert _outcome(operation, a, b) == _outcome(operation, ref_a, ref_b), name
            assert _outcome(operation, a, object()) == _outcome(operation, ref_a, object()), name
            assert _outcome(operation, a, _sub(b)) == _outcome(operation, ref_a, _sub(ref_b)), name
            assert _outcome(operation, _sub(a), b) == _outcome(operation, _sub(ref_a), ref_b), name


def _sub(instance):
    """The same values in an instance of a subclass (not a dataclass) of its class."""
    if instance is None:
        return None
    sub = type("Sub", (type(instance),), {"__doc__": "A subclass."})
    return sub(**{f.name: getattr(instance, f.name) for f in dataclasses.fields(instance) if f.init})


@pytest.mark.parametrize("module, name", CLASSES, ids=[f"{m}.{n}" for m, n in CLASSES])
def test_behaves_as_the_dataclass(module, name, reference):
    _check(getattr(MODULES[module], name), getattr(reference(module), name))


def _classes(dataclass):
    """Classes with every field option and shape, made by the dataclass given."""

    @dataclass(frozen=True, order=True)
    class Options:
        """Every option of a field."""

        a: int
        b: int = field(default=0, compare=False)
        c: int = field(default=0, repr=False)
        d: int = field(default=0, hash=False)
        e: int = field(default=0, hash=True, compare=False)
        f: list = field(default_factory=list)
        h: int = field(default=0, kw_only=True)
        k: ClassVar[int] = 7

    @dataclass(order=True)
    class Mutable:
        """Not frozen, with a default made for each and fields that __init__ does not take."""

        x: int
        y: list = field(default_factory=list)
        g: int = field(default=3, init=False)
        z: list = field(default_factory=list, init=False)

    @dataclass(frozen=True, order=True)
    class Empty:
        """No field."""

    @dataclass(frozen=True, order=True)
    class One:
        """One field."""

        x: int

    return Options, Mutable, Empty, One


@pytest.mark.parametrize("index", range(4), ids=["options", "mutable", "empty", "one"])
def test_field_options_and_shapes_behave_as_the_dataclass(index):
    """What no class of the package has yet: the day one has it, it is known to work."""
    _check(_classes(quickdc.dataclass)[index], _classes(dataclasses.dataclass)[index])


def _check(ours, theirs):
    """Every operation of a user of the two classes: the same outcomes."""
    assert theirs is not ours and theirs.__qualname__ == ours.__qualname__
    assert [repr(f) for f in dataclasses.fields(ours)] == [repr(f) for f in dataclasses.fields(theirs)]
    assert ours.__match_args__ == theirs.__match_args__ and ours.__doc__ == theirs.__doc__
    assert (ours.__hash__ is None) == (theirs.__hash__ is None)
    fields = [f for f in dataclasses.fields(ours) if f.init]
    positional = [f.name for f in fields if not f.kw_only]

    # Construction: by keyword, by position, from the defaults, with an argument missing or unknown.
    required = {f.name: (n, 0) for n, f in enumerate(fields)
                if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    for make in (lambda cls: cls(**_values(cls, 0)), lambda cls: cls(**required),
                 lambda cls: cls(*[_values(cls, 0)[n] for n in positional]), lambda cls: cls(),
                 lambda cls: cls(**_values(cls, 0), unknown=1)):
        assert _outcome(make, ours) == _outcome(make, theirs)
    _compare(ours, theirs, lambda cls: cls(**_values(cls, 0)), lambda cls: cls(**_values(cls, 0)))
    _compare(ours, theirs, lambda cls: cls(**required), lambda cls: cls(**required))

    # One field different at a time (compared or not, hashed or not), and values that are not like the others.
    for f in fields:
        for value in ((f.name, 1), (-1,), None, "texte"):
            _compare(ours, theirs, lambda cls: cls(**_values(cls, 0)),
                     lambda cls, f=f, value=value: cls(**_values(cls, 0, f.name, value)))
        odd, nan, unhashable = Odd(), float("nan"), []
        for value in (odd, nan, unhashable):
            same = _both(ours, theirs, lambda cls, f=f, value=value: cls(**_values(cls, 0, f.name, value)))
            twin = _both(ours, theirs, lambda cls, f=f, value=value: cls(**_values(cls, 0, f.name, value)))
            for operation in OPERATIONS.values():
                if operation in (repr, hash):
                    assert _outcome(operation, same[0]) == _outcome(operation, same[1])
                else:
                    assert _outcome(operation, same[0], same[0]) == _outcome(operation, same[1], same[1])
                    assert _outcome(operation, same[0], twin[0]) == _outcome(operation, same[1], twin[1])
        # An instance that holds itself (in a list): its repr says « ... » where it recurs.
        loops = _both(ours, theirs, lambda cls, f=f: cls(**_values(cls, 0, f.name, [])))
        for instance in loops:
            getattr(instance, f.name).append(instance)
        assert repr(loops[0]) == repr(loops[1])

    # Assignment and deletion: refused (frozen) or done, for a field and for another name.
    for attribute in [f.name for f in dataclasses.fields(ours)] + ["elsewhere"]:
        pair = _both(ours, theirs, lambda cls: cls(**_values(cls, 0)))
        assert _outcome(setattr, pair[0], attribute, 5) == _outcome(setattr, pair[1], attribute, 5), attribute
        assert _outcome(delattr, pair[0], attribute) == _outcome(delattr, pair[1], attribute), attribute
        assert vars(pair[0]) == vars(pair[1])

    # Copies, as the build's workers send their results back (pickle) and as render copies styles (deepcopy).
    pair = _both(ours, theirs, lambda cls: cls(**_values(cls, 0)))
    for copy in (lambda x: pickle.loads(pickle.dumps(x)), copy_module.copy, copy_module.deepcopy):
        assert _outcome(copy, pair[0]) == _outcome(copy, pair[1])
        assert _outcome(lambda x: copy(x) == x, pair[0]) == _outcome(lambda x: copy(x) == x, pair[1])

    # replace(): each field in turn, and a name that is not a field.
    for f in fields:
        pair = _both(ours, theirs, lambda cls: cls(**_values(cls, 0)))
        assert (_outcome(dataclasses.replace, pair[0], **{f.name: (9,)})
                == _outcome(dataclasses.replace, pair[1], **{f.name: (9,)}))
        assert dataclasses.replace(pair[0], **{f.name: (9,)}) == ours(**_values(ours, 0, f.name, (9,)))
    pair = _both(ours, theirs, lambda cls: cls(**_values(cls, 0)))
    assert _outcome(dataclasses.replace, pair[0], unknown=1) == _outcome(dataclasses.replace, pair[1], unknown=1)


def test_what_quickdc_would_make_otherwise_is_refused():
    """A method of the class's own (quickdc would replace it, dataclasses keeps it), a dataclass base (whose
    methods and frozenness quickdc does not know), a frozen class with a field that __init__ leaves unset (quickdc
    lets a field with no value be set once): each says to use dataclasses."""

    class Own:
        """A class that compares itself."""

        x: int

        def __eq__(self, other):
            return True

    class Guarded:
        """A class that guards its attributes."""

        x: int

        def __setattr__(self, name, value):
            object.__setattr__(self, name, value)

    @dataclasses.dataclass
    class Base:
        """A dataclass."""

        x: int

    class Derived(Base):
        """A class derived from one."""

        y: int = 0

    class Later:
        """A frozen class with a field set after __init__."""

        x: int = field(default=0, init=False)

    with pytest.raises(TypeError, match="Own defines __eq__, __hash__: make it with dataclasses.dataclass"):
        quickdc.dataclass(Own)
    with pytest.raises(TypeError, match="Guarded defines __setattr__: make it with dataclasses.dataclass"):
        quickdc.dataclass(frozen=True)(Guarded)
    with pytest.raises(TypeError, match="Derived derives from a dataclass: make it with dataclasses.dataclass"):
        quickdc.dataclass(Derived)
    with pytest.raises(TypeError, match=r"Later is frozen with a field that __init__ does not set \(init=False\)"):
        quickdc.dataclass(frozen=True)(Later)
