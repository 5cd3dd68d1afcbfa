#!/usr/bin/env bash
# Runs every test project in Release and ends with "N passed, N failed".
# Installs missing prerequisites first (apt-get, when run as root): redis-server and mosquitto for the cluster tests,
# postgresql for the history store's tests, chromium and CJK fonts for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

install_missing() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  [ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null 2>&1 || missing+=(mosquitto)
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  [ -d /usr/share/fonts/opentype/noto ] || missing+=(fonts-noto-cjk)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
      echo "Installing ${missing[*]}"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    else
      echo "Missing ${missing[*]}: install them (apt-get install ${missing[*]}) and run again." >&2
      exit 1
    fi
  fi
  command -v dotnet >/dev/null 2>&1 || { echo "The .NET 10 SDK is required (dotnet on PATH)." >&2; exit 1; }
}

install_missing
dotnet build UrbanTwin.sln -c Release -warnaserror -nologo -v quiet

passed=0
failed=0
status=0
results=$(mktemp -d)
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  # The counts come from the trx file below; the console shows the summary line and, for each failed test, the
  # first 80 lines of its message, stack trace and output (the full console output is long and mostly startup logs).
  dotnet test "$project" -c Release --no-build --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" 2>&1 \
    | awk '/^(Passed|Failed|Skipped)!/ { print; next }
           /^  Failed / { print; failure = 1; lines = 0; next }
           /^  (Passed|Skipped) / { failure = 0; next }
           failure && ++lines <= 80 { print }' || true
  trx="$results/$name.trx"
  if [ ! -f "$trx" ]; then
    echo "no results for $name" >&2
    failed=$((failed + 1)); status=1; continue
  fi
  p=$(grep -o 'passed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
  f=$(grep -o 'failed="[0-9]*"' "$trx" | head -1 | grep -o '[0-9]*')
  passed=$((passed + p))
  failed=$((failed + f))
  [ "$f" = 0 ] || status=1
done
rm -rf "$results"
echo "$passed passed, $failed failed"
exit $status
