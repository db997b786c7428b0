#!/usr/bin/env bash
# Runs clang-tidy with the checks in .clang-tidy over the project's own .cpp files (not the
# generated ones), using BUILD/compile_commands.json, and fails on any warning.
#
#   scripts/tidy.sh [-j N] [-b BUILD] [PATH...]
#
#   -j N      parallel clang-tidy processes (default 2: the machine is usually shared)
#   -b BUILD  build folder with compile_commands.json (default build/; configured if missing)
#   PATH...   only files under these paths, relative to the repository root
#             (e.g. `scripts/tidy.sh domain storage/core`); default: every layer, tests, bench
#
# Exit status: 0 clean, 1 on any warning or error, 2 on a usage or set-up problem.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=2
build=$root/build
while getopts "j:b:h" option; do
  case $option in
    j) jobs=$OPTARG ;;
    b) build=$(cd "$OPTARG" && pwd) ;;
    *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

runner=""
for candidate in run-clang-tidy-14 /usr/bin/run-clang-tidy-14 run-clang-tidy; do
  if command -v "$candidate" > /dev/null; then runner=$(command -v "$candidate"); break; fi
done
tidy=$(command -v clang-tidy-14 || command -v clang-tidy || true)
if [ -z "$runner" ] || [ -z "$tidy" ]; then
  echo "tidy.sh: clang-tidy 14 and run-clang-tidy are needed (apt-get install clang-tidy-14)" >&2
  exit 2
fi
if [ ! -f "$build/compile_commands.json" ]; then
  # Configuring is enough: clang-tidy needs the compile commands, not the objects.
  cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_EXPORT_COMPILE_COMMANDS=ON > /dev/null
fi

# Which files: a regular expression over the absolute paths in compile_commands.json.
if [ $# -eq 0 ]; then
  set -- common domain storage analytics recorder plugin tests bench
fi
quote() { printf '%s' "$1" | sed 's/[.[\*^$()+?{}|]/\\&/g'; }
paths=""
for path in "$@"; do
  path=${path%/}
  [ -e "$root/$path" ] || { echo "tidy.sh: no $path in $root" >&2; exit 2; }
  case $path in
    *.cpp) paths+="${paths:+|}$(quote "$path")" ;;          # one file
    *) paths+="${paths:+|}$(quote "$path")/.*\.cpp" ;;      # every .cpp under a folder
  esac
done
regex="^$(quote "$root")/($paths)\$"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
start=$(date +%s)
# -quiet: no per-file banners of suppressed warnings; the checks and header filter come from
# .clang-tidy. run-clang-tidy's own status only says whether clang-tidy crashed.
status=0
"$runner" -clang-tidy-binary "$tidy" -p "$build" -j "$jobs" -quiet "$regex" > "$log" 2>&1 || status=$?
sed 's/\x1b\[[0-9;]*m//g' "$log" \
  | grep -vE '^((\S*/)?clang-tidy|[0-9]+ warnings? (and [0-9]+ errors? )?generated|Suppressed [0-9]+ warnings|Use -header-filter|Enabled checks|Running clang-tidy)' \
  | grep -v '^$' || true
findings=$(sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -cE '^[^ ]+:[0-9]+:[0-9]+: (warning|error):' || true)
files=$(grep -cE '^(\S*/)?clang-tidy' "$log" || true)
echo "tidy.sh: $files file(s), $findings finding(s), $(( $(date +%s) - start )) s" >&2
if [ "$findings" -gt 0 ] || [ "$status" -ne 0 ] || [ "$files" -eq 0 ]; then exit 1; fi
exit 0
