#!/usr/bin/env bash
# Builds the runtime, test harnesses and the fake-engine driver, then runs the runtime smoke checks.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
out="$root/out/test/runtime-smoke"
rt="$root/out/native/libfuzzwb_rt.a"
cc="${CC_CLANG:-clang-19}"
mkdir -p "$out"

# The build script also builds the addon; only the runtime archive matters here, so an addon
# failure is tolerated as long as the archive is newer than every runtime source.
if ! node "$root/scripts/build-native.mjs"; then
  stale="$(find "$root/native/runtime" "$root/native/include" -newer "$rt" -print -quit 2>/dev/null || echo missing)"
  if [[ ! -f "$rt" || -n "$stale" ]]; then
    echo "FAIL: the runtime archive was not built" >&2
    exit 1
  fi
  echo "note: build-native.mjs failed outside the runtime; using the fresh $rt" >&2
fi

export_cb=(-Wl,--export-dynamic-symbol=__sanitizer_cov_* -Wl,--export-dynamic-symbol=__sanitizer_weak_hook_*)
cov=(-fsanitize-coverage=trace-pc-guard,pc-table,trace-cmp)

"$cc" -g -O0 -fsanitize=address "${cov[@]}" "$here/harness.c" "$rt" "${export_cb[@]}" -o "$out/harness_asan"
"$cc" -g -O0 "${cov[@]}" -ffunction-sections -fdata-sections -Wl,--gc-sections \
  "$here/harness.c" "$rt" "${export_cb[@]}" -o "$out/harness_plain"
"$cc" -g -O1 -shared -fPIC -fsanitize=address -fsanitize-coverage=trace-pc-guard,pc-table \
  "$here/plugin.c" -o "$out/plugin.so"
gcc -g -O1 -fsanitize=address -fsanitize-coverage=trace-pc,trace-cmp "$here/harness.c" "$rt" \
  -o "$out/harness_gcc"
# No sanitizer runtime at all (clang links UBSan's for coverage-only builds; gcc links none), so
# the runtime's own deadly-signal report is what the engine gets.
gcc -g -O0 -fsanitize-coverage=trace-pc,trace-cmp "$here/harness.c" "$rt" -o "$out/harness_nosan"
"$cc" -g -O2 -Wall -Wextra -Werror -I "$root/native/include" "$here/driver.c" "$here/engine.c" "$here/lifecycle.c" \
  "$here/dump.c" -o "$out/driver"

failed=0
step() {
  local name="$1"
  shift
  if "$@"; then
    echo "ok   $name"
  else
    echo "FAIL $name" >&2
    failed=1
  fi
}

d="$out/driver"
asan="$out/harness_asan"
plain="$out/harness_plain"
export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-/usr/bin/llvm-symbolizer-19}"

# flags: FWB_RT_ASAN 1 | UBSAN 2 | INIT_HOOK 8 | AFTER_FORK 16; the coverage-only clang build
# carries UBSan's standalone runtime
step "handshake asan" "$d" handshake "$asan" 25
step "handshake plain" "$d" handshake "$plain" 26
step "counters" "$d" counters "$asan"
step "fork loop" "$d" loop "$asan" 3000 1
step "persistent loop" "$d" loop "$asan" 3000 100
step "persistent" "$d" persistent "$asan"
step "asan overflow" "$d" crash "$asan" O exit:76 "ERROR: AddressSanitizer: heap-buffer-overflow"
step "asan overflow 8" "$d" crash "$asan" OOOOOOOO exit:76 "ERROR: AddressSanitizer: heap-buffer-overflow"
step "asan underflow" "$d" crash "$asan" U exit:76 "ERROR: AddressSanitizer: use-after-poison"
step "asan segv" "$d" crash "$asan" S exit:76 "ERROR: AddressSanitizer: SEGV"
step "asan abort" "$d" crash "$asan" A exit:76 "ERROR: AddressSanitizer: ABRT"
step "exit(3)" "$d" crash "$asan" E exit:3 ""
step "trap under asan" "$d" crash "$asan" T signal:4 "ERROR: fuzzwb: deadly signal SIGILL"
step "no-sanitizer segv" "$d" crash "$out/harness_nosan" S signal:11 "ERROR: fuzzwb: deadly signal SIGSEGV on address 0x10"
step "no-sanitizer abort" "$d" crash "$out/harness_nosan" A signal:6 "ERROR: fuzzwb: deadly signal SIGABRT"
step "cmp" "$d" cmp "$asan"
step "dlopen" "$d" dlopen "$asan" "$out/plugin.so"
step "reject" "$d" reject "$asan"
step "orphans" "$d" orphans "$asan"
step "spare deaths" "$d" spare "$asan" "$out/spare-crash-marker"
step "gcc" "$d" gcc "$out/harness_gcc"
# The stack the engine asks for before a timeout or RSS kill: the sanitizer's printer (ASan, and
# UBSan's in the coverage-only clang build) or, with no sanitizer runtime, backtrace_symbols.
step "dump timeout asan" "$d" dump "$asan" timeout 1 "in spin_forever"
step "dump rss asan persistent" "$d" dump "$asan" rss 4 "in spin_forever"
step "dump timeout plain" "$d" dump "$plain" timeout 1 "spin_forever"
step "dump rss no-sanitizer persistent" "$d" dump "$out/harness_nosan" rss 4 "harness_nosan("
step "gcc overflow" "$d" crash "$out/harness_gcc" O exit:76 "ERROR: AddressSanitizer: heap-buffer-overflow"

# Reproduce mode and -help, run directly like a libFuzzer binary.
corpus="$out/corpus"
rm -rf "$corpus"
mkdir -p "$corpus"
printf 'FUZ' >"$corpus/a"
printf 'X' >"$corpus/b"
printf 'O' >"$out/crash-input"
expect() { # expect NAME WANT_STATUS PATTERN CMD...
  local name="$1" want="$2" pattern="$3" status=0
  shift 3
  "$@" >"$out/log" 2>&1 || status=$?
  if [[ "$status" == "$want" ]] && grep -q -- "$pattern" "$out/log"; then
    echo "ok   $name"
  else
    echo "FAIL $name: status $status (want $want), output:" >&2
    cat "$out/log" >&2
    failed=1
  fi
}
expect "reproduce file" 0 "Executed $corpus/a in " "$asan" -runs=5 "$corpus/a"
expect "reproduce dir" 0 "Running: $corpus/b" "$asan" "$corpus"
expect "reproduce crash" 1 "ERROR: AddressSanitizer: heap-buffer-overflow" "$asan" "$out/crash-input"
expect "no files" 2 "Usage:" "$asan"
expect "-help=1" 0 "Usage:" "$asan" -help=1
expect "-help" 0 "Usage:" "$plain" -help
expect "missing file" 1 "ERROR: cannot read" "$asan" "$out/no-such-file"
expect "marker after gc-sections" 0 "FUZZWB_RUNTIME_MARKER_v1" strings "$plain"
hidden="$(nm -D --defined-only "$asan" | awk '{print $3}' | grep -E '^fwb_' || true)"
if [[ -z "$hidden" ]]; then echo "ok   internal symbols hidden"; else
  echo "FAIL internal symbols exported: $hidden" >&2
  failed=1
fi

exit "$failed"
