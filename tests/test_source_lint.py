"""Source lint for the layering rules of DESIGN.md and STYLE.md rule 1.

- Only ext/python includes Python.h, structmember.h or NumPy headers.
- No #include runs up the layer order core < ops/cpu/cuda < autograd < python.
- ext/ops never includes ext/cpu or ext/cuda (kernels register into ext/core's
  table instead).
"""

import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXT = os.path.join(ROOT, "ext")

RANK = {"core": 0, "ops": 1, "cpu": 1, "cuda": 1, "autograd": 2, "python": 3}
SOURCE_EXTS = (".h", ".hpp", ".hh", ".c", ".cc", ".cpp", ".cxx", ".cu", ".cuh", ".inl")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)
PYTHON_HEADERS = re.compile(r"^(Python\.h|structmember\.h|pythread\.h|frameobject\.h|"
                            r"numpy/.*|cpython/.*|internal/pycore.*)$")


def layer_of(path):
    rel = os.path.relpath(path, EXT).split(os.sep)
    return rel[0] if len(rel) > 1 else None


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def violations(path, text):
    """Layering violations of one source file under ext/ (a list of strings)."""
    out = []
    layer = layer_of(path)
    for kind, inc in INCLUDE.findall(strip_comments(text)):
        if PYTHON_HEADERS.match(inc):
            if layer != "python":
                out.append(f"{path}: includes <{inc}> outside ext/python")
            continue
        if kind == "<":
            continue  # system and standard headers
        target = os.path.normpath(os.path.join(os.path.dirname(path), inc))
        if not target.startswith(EXT + os.sep):
            out.append(f"{path}: includes {inc!r}, outside ext/")
            continue
        tlayer = layer_of(target)
        if tlayer == layer or tlayer is None or layer is None:
            continue
        if tlayer not in RANK or layer not in RANK:
            out.append(f"{path}: unknown layer in include {inc!r}")
        elif RANK[tlayer] > RANK[layer]:
            out.append(f"{path}: {layer} includes {inc!r} from the higher layer {tlayer}")
        elif layer == "ops" and tlayer in ("cpu", "cuda"):
            out.append(f"{path}: ops includes the device backend header {inc!r}")
    return out


def sources():
    for d, _, files in os.walk(EXT):
        for f in sorted(files):
            if f.endswith(SOURCE_EXTS):
                yield os.path.join(d, f)


def test_there_are_sources_to_check():
    layers = {layer_of(p) for p in sources()}
    assert {"core", "ops", "cpu", "autograd", "python"} <= layers


def test_layers_are_known():
    assert {layer_of(p) for p in sources()} <= set(RANK)


def test_no_layering_violations():
    found = []
    for p in sources():
        with open(p, encoding="utf-8") as f:
            found += violations(p, f.read())
    assert not found, "\n".join(found)


def test_quoted_includes_resolve():
    missing = []
    for p in sources():
        with open(p, encoding="utf-8") as f:
            for kind, inc in INCLUDE.findall(strip_comments(f.read())):
                if kind == '"' and not PYTHON_HEADERS.match(inc):
                    if not os.path.exists(os.path.join(os.path.dirname(p), inc)):
                        missing.append(f"{p}: {inc}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize(
    "layer,text,bad",
    [
        ("core", "#include <Python.h>\n", True),
        ("ops", '#include <numpy/arrayobject.h>\n', True),
        ("cpu", "#  include <structmember.h>\n", True),
        ("autograd", "#include <Python.h>\n", True),
        ("python", "#include <Python.h>\n#include <numpy/arrayobject.h>\n", False),
        ("core", '#include "../ops/ops.h"\n', True),
        ("ops", '#include "../autograd/autograd.h"\n', True),
        ("ops", '#include "../cpu/cpu.h"\n', True),
        ("ops", '#include "../cuda/cuda.cuh"\n', True),
        ("autograd", '#include "../python/glue.h"\n', True),
        ("cpu", '#include "../python/glue.h"\n', True),
        ("python", '#include "../autograd/autograd.h"\n#include "../core/dtype.h"\n', False),
        ("ops", '#include "../core/kernels.h"\n', False),
        ("cpu", '#include "../core/kernels.h"\n', False),
        ("core", '// #include <Python.h>\n/* #include "../ops/ops.h" */\n', False),
        ("core", "#include <vector>\n#include <cstdint>\n", False),
    ],
)
def test_checker_catches_violations(layer, text, bad):
    path = os.path.join(EXT, layer, "example.cpp")
    assert bool(violations(path, text)) == bad


# ---- the glue makes and changes tensors only through ag:: (issue 7, item 3) ----
#
# ext/python calls ext/autograd (ag::) for anything that creates a tensor or
# changes one, so that autograd can record it. It may call ops:: only for
# the pure queries below, and never builds a TensorImpl or re-points one
# itself. It never imports the Python package back.

GLUE = os.path.join(EXT, "python")

# ops:: functions the glue may call: they read a tensor and make none.
OPS_QUERY_ALLOWED = {
    "item",          # the single element as a Scalar
    "scalar_dtype",  # the dtype a Python number would get
    "result_type",   # promotion of operands, no tensor made
}

# (file, pattern) pairs allowed as explicit exceptions.
CONSTRUCTION_ALLOWED = {
    # from_numpy / numpy_readable: a tensor over an ndarray's own memory,
    # kept alive by the array (Note [Storage export]).
    ("numpy_bridge.cpp", "make<TensorImpl>"),
    ("numpy_bridge.cpp", "Storage::borrow"),
    # from_dlpack: a tensor over a DLPack producer's memory, owning its
    # managed tensor (Note [DLPack exchange]).
    ("dlpack.cpp", "make<TensorImpl>"),
    ("dlpack.cpp", "Storage::borrow"),
}

OPS_CALL = re.compile(r"\bops::([a-z_][a-z0-9_]*)\s*\(")
CONSTRUCTION = re.compile(
    r"make<\s*TensorImpl\s*>|\bTensorImpl::(?:empty\w*|make)\b|\bnew\s+TensorImpl\b|"
    r"\bStorage::(?:allocate|borrow)\b|->\s*set\s*\(|->\s*resize\s*\(|->\s*view\s*\("
)
PACKAGE_CALLBACK = re.compile(r'PyImport_\w+\s*\(\s*"minitorch')


def glue_violations(name, text):
    out = []
    code = strip_comments(text)
    for m in OPS_CALL.finditer(code):
        if m.group(1) not in OPS_QUERY_ALLOWED:
            out.append(f"{name}: calls ops::{m.group(1)}(...); call ag::{m.group(1)} instead")
    for m in CONSTRUCTION.finditer(code):
        pat = re.sub(r"\s+", "", m.group(0))
        if (name, pat) not in CONSTRUCTION_ALLOWED:
            out.append(f"{name}: {pat} makes or re-points a tensor; use an ag:: op")
    for m in PACKAGE_CALLBACK.finditer(code):
        out.append(f"{name}: imports the Python package ({m.group(0)}...)")
    return out


def test_glue_changes_tensors_only_through_ag():
    found = []
    for p in sources():
        if layer_of(p) != "python":
            continue
        with open(p, encoding="utf-8") as f:
            found += glue_violations(os.path.basename(p), f.read())
    assert not found, "\n".join(found)


@pytest.mark.parametrize(
    "name,text,bad",
    [
        ("x.cpp", "Tensor t = ops::empty(Dims{0}, d, dev);\n", True),
        ("x.cpp", "Tensor t = ag::empty(Dims{0}, d, dev);\n", False),
        ("x.cpp", "Scalar s = ops::item(t);\n", False),
        ("x.cpp", "ops::Operand a; ops::ElemOut o{};\n", False),
        ("x.cpp", "impl_of(self)->set(s, a, b, 0);\n", True),
        ("x.cpp", "t->resize(Dims{});\n", True),
        ("x.cpp", "return v->view(sz, st, 0);\n", True),
        ("x.cpp", "return wrap(make<TensorImpl>(s, a, b, 0, d));\n", True),
        ("numpy_bridge.cpp", "return make<TensorImpl>(s, a, b, 0, d);\n", False),
        ("x.cpp", "Tensor t = TensorImpl::empty(shape, dt, dev);\n", True),
        ("x.cpp", "auto s = Storage::allocate(0, dev);\n", True),
        ("x.cpp", 'PyImport_ImportModule("minitorch");\n', True),
        ("x.cpp", 'PyImport_ImportModule("numpy");\n', False),
        ("x.cpp", "// t->set(a, b, c, 0); ops::empty(x)\n", False),
    ],
)
def test_glue_checker_catches_violations(name, text, bad):
    assert bool(glue_violations(name, text)) == bad


def test_ops_errors_do_not_name_the_cpu():
    # PyTorch's messages name its CPU kernels ("round_cpu"); ours are device-neutral.
    found = []
    for p in sources():
        if layer_of(p) != "ops":
            continue
        with open(p, encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                if re.search(r'"[^"]*\w_cpu\w*[^"]*"', line):
                    found.append(f"{p}:{i}: {line.strip()}")
    assert not found, "\n".join(found)


NOTE = re.compile(r"Note \[([^\]]+)\]")


def _notes_in_source():
    used, defined = set(), set()
    for base in ("ext", "minitorch"):
        for dirpath, _, files in os.walk(os.path.join(ROOT, base)):
            for f in files:
                if not f.endswith(SOURCE_EXTS + (".py",)):
                    continue
                with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                    for line in fh:
                        for name in NOTE.findall(line):
                            used.add(name)
                            # A definition opens a comment line: "// Note [X]" or "// Note [X]: ..."
                            if re.match(r"\s*(//|#)\s*Note \[" + re.escape(name) + r"\]:?", line):
                                defined.add(name)
    return used, defined


def test_every_note_is_in_the_design_index():
    with open(os.path.join(ROOT, "docs", "design.md"), encoding="utf-8") as fh:
        doc = fh.read()
    section = doc[doc.index("## The notes"):]
    section = section[:section.index("\n## ", 1)]
    indexed = set(re.findall(r"^\| \[([^\]]+)\] \|", section, re.M))
    used, defined = _notes_in_source()
    assert used, "no Note found in the source: the scan is broken"
    assert used - indexed == set(), "Notes used in the source but missing from docs/design.md"
    assert indexed - used == set(), "Notes in docs/design.md that the source never mentions"
    assert used - defined == set(), "Notes referred to but never defined ('// Note [X]' opening a line)"
