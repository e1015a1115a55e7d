#!/usr/bin/env bash
# sanitize.sh: build minitorch with AddressSanitizer + UBSan and run the test
# suite under it. Exits non-zero on any failure (a failing test, or a
# sanitizer report, which aborts the process).
#
# Where it builds: in a COPY of the tree, never in place. The copy holds the
# tracked files plus untracked files git does not ignore (so new, uncommitted
# tests run too) and is laid anew on every run (a deleted test cannot
# linger). The normal in-place build (minitorch/_C*.so) is never touched, so
# an interrupted run cannot leave an instrumented .so behind that would then
# refuse to import without libasan preloaded. The copy lives at a stable path
# ($MINITORCH_SANITIZE_DIR, default under $TMPDIR) so ccache, where
# installed, makes the rebuild cheap.
#
# Usage: scripts/sanitize.sh [pytest args...]   (default: the whole suite,
#        minus tests marked `slow`, stopping at the first failure)
# Env:   MINITORCH_SANITIZE   sanitizers to build with (default address,undefined)
#        MINITORCH_SANITIZE_DIR  where the copy is built
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SAN="${MINITORCH_SANITIZE:-address,undefined}"
DIR="${MINITORCH_SANITIZE_DIR:-${TMPDIR:-/tmp}/minitorch-sanitize-$(id -u)-$(printf %s "$ROOT" | cksum | cut -d' ' -f1)}"
PY="${PYTHON:-python}"

start=$(date +%s)
echo "sanitize.sh: building a copy of $ROOT in $DIR/src with MINITORCH_SANITIZE=$SAN"
rm -rf "$DIR/src"
mkdir -p "$DIR/src"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) |
  (cd "$ROOT" && xargs -0 -r sh -c 'for f; do [ -f "$f" ] && printf "%s\0" "$f"; done' sh) |
  (cd "$ROOT" && tar --null -T - -cf -) | tar -xf - -C "$DIR/src"

cd "$DIR/src"
export CCACHE_NOHASHDIR=true  # -g embeds the cwd; the copy's path is stable anyway
MINITORCH_CUDA=0 MINITORCH_SANITIZE="$SAN" "$PY" setup.py build_ext --inplace -b "$DIR/build" -t "$DIR/tmp" \
  >"$DIR/build.log" 2>&1 || { tail -50 "$DIR/build.log"; echo "sanitize.sh: build failed"; exit 1; }
built=$(date +%s)
echo "sanitize.sh: built in $((built - start)) s"

LIBASAN="$(g++ -print-file-name=libasan.so)"
LIBSTDCXX="$(g++ -print-file-name=libstdc++.so)"
[ -f "$LIBASAN" ] || { echo "sanitize.sh: libasan not found ($LIBASAN)"; exit 1; }
# The interpreter is not instrumented, so the ASan runtime must be loaded
# first (LD_PRELOAD). libstdc++ is preloaded too: ASan looks up the real
# __cxa_throw when it starts, and python itself does not link libstdc++, so
# without it the first C++ exception aborts with "CHECK failed ...
# real___cxa_throw". detect_leaks=0: CPython keeps allocations alive at exit
# by design; leaks are checked by tests/test_leaks.py instead.
# allocator_may_return_null=1: a huge request (empty(2**40)) must fail the way
# it does without ASan (null -> RuntimeError), not abort the run.
export LD_PRELOAD="$LIBASAN:$LIBSTDCXX"
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1:allocator_may_return_null=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export MINITORCH_SANITIZED=1
# The copy must be what `import minitorch` finds (an editable install of the
# original tree must not win); checked with the sanitizer runtime loaded.
where=$(cd "$DIR/src" && "$PY" -c 'import minitorch, os; print(os.path.dirname(minitorch.__file__))' 2>/dev/null || true)
if [ "$where" != "$DIR/src/minitorch" ]; then
  echo "sanitize.sh: 'import minitorch' in $DIR/src finds '$where', not the sanitizer build"
  exit 1
fi

# --capture=sys: a sanitizer report goes straight to file descriptor 2, and
# pytest's default fd capture would swallow it when the process aborts.
if [ "$#" -eq 0 ]; then
  set -- tests -x -q -m "not slow" -p no:cacheprovider --capture=sys
fi
rc=0
"$PY" -m pytest "$@" || rc=$?
end=$(date +%s)
echo "sanitize.sh: tests took $((end - built)) s (total $((end - start)) s), exit status $rc"
exit "$rc"
