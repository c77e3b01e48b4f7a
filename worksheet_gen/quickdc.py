"""dataclasses.dataclass at a fraction of the cost: dataclasses writes __init__, the other methods are shared.

dataclasses builds each method it adds by compiling source text: a frozen class costs about 0.7 ms to define
in a build (its __init__, __repr__, __eq__, __hash__, __setattr__, __delattr__; four more with order=True),
and a build defines twenty-three such classes. :func:`dataclass` asks dataclasses for a mutable class with
only its __init__ (which sets each field by plain assignment), then adds __repr__, __eq__, __hash__, the
comparisons and, for a frozen class, __setattr__ and __delattr__, made from closures over the class's
fields, which do what dataclasses' own do: the __setattr__ lets a field be set only while it has no value
yet (by __init__, which sets them all), so a frozen class takes no field that __init__ leaves unset.
dataclasses itself takes the class for a mutable one (``__dataclass_params__``), which only a dataclass
deriving from it would notice (dataclasses derives no frozen class from a mutable one): none does, and the
test would fail on one. An instance costs 0.1 to 0.3 µs
more to make (its fields set through __setattr__), a class about 0.25 ms less (17 ms in all, down to 6).
``tests/test_quickdc.py`` defines every dataclass of the package both ways and checks that they behave alike.
"""

from __future__ import annotations

import dataclasses
import operator
import sys
from _thread import get_ident
from dataclasses import FrozenInstanceError

SHARED = ("__repr__", "__eq__", "__hash__", "__lt__", "__le__", "__gt__", "__ge__")
FROZEN = ("__setattr__", "__delattr__")
ORDER = (("__lt__", operator.lt), ("__le__", operator.le), ("__gt__", operator.gt), ("__ge__", operator.ge))
FIELD_BY_FIELD = sys.version_info >= (3, 13)  # since 3.13, __eq__ compares field by field, no longer as tuples


def dataclass(cls=None, /, *, frozen: bool = False, order: bool = False):
    """``dataclasses.dataclass(frozen=frozen, order=order)``, for a class that defines none of the methods it adds."""

    def make(cls):
        own = [name for name in SHARED + FROZEN if name in cls.__dict__]
        if own:
            _refuse(cls, f"defines {', '.join(own)}")
        if any(dataclasses.is_dataclass(base) for base in cls.__mro__[1:]):
            _refuse(cls, "derives from a dataclass")
        cls = dataclasses.dataclass(cls, repr=False, eq=False)
        fields = dataclasses.fields(cls)
        if frozen and not all(f.init for f in fields):
            _refuse(cls, "is frozen with a field that __init__ does not set (init=False)")
        compared = _values([f.name for f in fields if f.compare])
        methods = {"__repr__": _repr(tuple(f.name for f in fields if f.repr)), "__eq__": _eq(compared)}
        if frozen:  # hashable, as a frozen dataclass with eq is
            methods["__hash__"] = _hash(_values([f.name for f in fields if (f.compare if f.hash is None else f.hash)]))
            methods.update(_frozen(cls, frozenset(f.name for f in fields)))
        if order:
            methods.update((name, _compare(op, compared)) for name, op in ORDER)
        for name, method in methods.items():
            method.__name__, method.__qualname__, method.__module__ = name, f"{cls.__qualname__}.{name}", cls.__module__
            setattr(cls, name, method)
        if not frozen:  # a mutable dataclass with eq is not hashable
            cls.__hash__ = None
        return cls

    return make if cls is None else make(cls)


def _refuse(cls, why: str):
    raise TypeError(f"{cls.__qualname__} {why}: make it with dataclasses.dataclass")


def _values(names: list[str]):
    """A function giving the tuple of an object's attributes of those names."""
    if len(names) > 1:
        return operator.attrgetter(*names)
    if names:
        one = operator.attrgetter(names[0])
        return lambda obj: (one(obj),)
    return lambda obj: ()


def _repr(names: tuple[str, ...]):
    running = set()

    def __repr__(self):
        key = id(self), get_ident()
        if key in running:  # the object holds itself
            return "..."
        running.add(key)
        try:
            return f"{self.__class__.__qualname__}({', '.join(f'{name}={getattr(self, name)!r}' for name in names)})"
        finally:
            running.discard(key)

    return __repr__


def _eq(values):
    if FIELD_BY_FIELD:

        def __eq__(self, other):
            if self is other:
                return True
            if other.__class__ is self.__class__:
                result = True
                for mine, theirs in zip(values(self), values(other)):
                    result = mine == theirs
                    if not result:
                        break
                return result
            return NotImplemented

    else:

        def __eq__(self, other):
            if other.__class__ is self.__class__:
                return values(self) == values(other)
            return NotImplemented

    return __eq__


def _hash(values):
    def __hash__(self):
        return hash(values(self))

    return __hash__


def _compare(op, values):
    def compare(self, other):
        if other.__class__ is self.__class__:
            return op(values(self), values(other))
        return NotImplemented

    return compare


def _frozen(cls, names: frozenset[str]):
    """__setattr__ and __delattr__ of a frozen class: a field is set once, by __init__."""

    def __setattr__(self, name, value):
        if name in names and name not in self.__dict__:  # __init__ setting it
            self.__dict__[name] = value
        elif type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot assign to field {name!r}")
        else:
            super(cls, self).__setattr__(name, value)

    def __delattr__(self, name):
        if type(self) is cls or name in names:
            raise FrozenInstanceError(f"cannot delete field {name!r}")
        super(cls, self).__delattr__(name)

    return {"__setattr__": __setattr__, "__delattr__": __delattr__}
