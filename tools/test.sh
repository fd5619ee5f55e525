#!/usr/bin/env bash
# Runs the whole test suite (Release build) and ends with one line "N passed, N failed, N skipped".
# First installs the system packages the tests need (tools/install-deps.sh: instant when they are present);
# where it cannot, the tests that need a missing package fail naming it.
set -uo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh || echo "test.sh: going on without them; the tests that need them will fail and name the package" >&2
results=$(mktemp -d)
dotnet test Verifier.sln -c Release -nologo --logger "trx;LogFilePrefix=r" --results-directory "$results" "$@"
status=$?
passed=0; failed=0; skipped=0
for f in "$results"/*.trx; do
  [ -f "$f" ] || continue
  line=$(grep -o '<Counters [^>]*>' "$f" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$line"); passed=$((passed + ${p:-0}))
  x=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$line"); failed=$((failed + ${x:-0}))
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$line"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$line")
  skipped=$((skipped + ${t:-0} - ${e:-0}))
done
rm -rf "$results"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
