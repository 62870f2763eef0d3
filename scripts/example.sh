#!/usr/bin/env bash
# The main job on the bundled example: build the device harness, fuzz it until its planted bug is
# found, and print the crash with its source frames.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh

out=out/example
rm -rf "$out"
mkdir -p "$out/corpus" "$out/findings"

echo "example: building examples/device with fuzzwb-cc (AddressSanitizer + sanitizer coverage)"
bin/fuzzwb-cc -O1 examples/device/device.c examples/device/device_fuzz.c -o "$out/device_fuzz"

echo "example: fuzzing $out/device_fuzz (stops at the first crash, or after 10 minutes)"
set +e
bin/fuzzwb fuzz "$out/device_fuzz" "$out/corpus" -max_total_time=600 \
  -artifact_prefix="$out/findings/" "$@"
rc=$?
set -e

case "$rc" in
77)
  echo "example: found the planted bug; the crashing input is in $out/findings/"
  exit 0
  ;;
0)
  echo "example: no crash found within the time limit" >&2
  exit 1
  ;;
*)
  echo "example: fuzzwb failed with exit code $rc" >&2
  exit "$rc"
  ;;
esac
