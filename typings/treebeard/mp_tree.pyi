# Stubs for the part of django-treebeard 7 that the project uses (treebeard ships no type information).
from typing import Any, ClassVar, Generic, TypeVar

from django.db import models
from treebeard.models import Node, NodeManager

_N = TypeVar("_N", bound=MP_Node)

class MP_NodeQuerySet(models.QuerySet[_N], Generic[_N]): ...

class MP_NodeManager(NodeManager[_N], Generic[_N]):
    def fix_tree(self, fix_paths: bool = False, parent: _N | None = None) -> None: ...
    def find_problems(self, parent: _N | None = None) -> tuple[list[Any], ...]: ...

class MP_Node(Node):
    steplen: ClassVar[int]
    alphabet: ClassVar[str]
    node_order_by: ClassVar[list[str]]
    path = models.CharField(max_length=255, unique=True)
    depth = models.PositiveIntegerField()
    numchild = models.PositiveIntegerField(default=0)
    # Private helpers bench/generate.py uses to compute paths in bulk, as treebeard does.
    @classmethod
    def _get_path(cls, path: str | None, depth: int, newstep: int) -> str: ...
    @classmethod
    def _int2str(cls, num: int) -> str: ...
    @classmethod
    def _str2int(cls, num: str) -> int: ...
