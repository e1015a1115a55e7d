#!/usr/bin/env bash
# check_format.sh: the lint and format checks CI runs before the tests; exits non-zero
# on any finding. Nothing is rewritten: it only reports.
#
#   ruff check .                    Python lint (rules in pyproject.toml [tool.ruff.lint]);
#                                   `ruff format` is not enforced.
#   clang-format --dry-run -Werror  every ext/**/*.{h,cpp,cu,cuh}, against .clang-format,
#                                   with the pinned clang-format below (the version
#                                   matters: each release formats a little differently).
#
# Usage: scripts/check_format.sh          (run from anywhere; checks the whole tree)
# Env:   MINITORCH_FORMAT_CHECK=0  skip the clang-format check
#        MINITORCH_LINT_CHECK=0    skip the ruff check
#        CLANG_FORMAT              the clang-format binary (default: the one of the PyPI
#                                  package `clang-format` when installed, as .ci/run does
#                                  at the pinned version, else clang-format on PATH)
# To fix findings: `ruff check --fix .`; `clang-format -i FILE` (same version).
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT_VERSION=18.1.8  # keep in step with .ci/run
rc=0

if [ "${MINITORCH_LINT_CHECK:-1}" != 0 ]; then
  echo "check_format.sh: ruff check ."
  "${PYTHON:-python}" -m ruff check . || rc=1
else
  echo "check_format.sh: ruff check skipped (MINITORCH_LINT_CHECK=0)"
fi

if [ "${MINITORCH_FORMAT_CHECK:-1}" != 0 ]; then
  CF="${CLANG_FORMAT:-$("${PYTHON:-python}" -c 'import clang_format, os
print(os.path.join(os.path.dirname(clang_format.__file__), "data", "bin", "clang-format"))' \
    2>/dev/null || echo clang-format)}"
  have="$("$CF" --version | grep -o '[0-9][0-9]*\.[0-9][0-9]*\.[0-9][0-9]*' | head -1)"
  if [ "$have" != "$CLANG_FORMAT_VERSION" ]; then
    echo "check_format.sh: warning: $CF is $have, CI pins $CLANG_FORMAT_VERSION" >&2
  fi
  echo "check_format.sh: $CF --dry-run -Werror over ext/"
  files=$(find ext -type f \( -name '*.h' -o -name '*.cpp' -o -name '*.cu' -o -name '*.cuh' \) | sort)
  # shellcheck disable=SC2086
  "$CF" --dry-run -Werror --style=file $files || rc=1
else
  echo "check_format.sh: clang-format check skipped (MINITORCH_FORMAT_CHECK=0)"
fi
exit "$rc"
