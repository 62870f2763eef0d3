#!/usr/bin/env bash
# `npm test`: sets the machine up and builds, then runs unit, integration, VS Code suite and E2E tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
# VS Code's server build (npm), Node 24 and Chromium for the suite and the E2E tests; cached after
# the first run. The VSIX test in the integration suite installs into it too.
vscode=0
node scripts/vscode/install.mjs || vscode=$?

# Every step runs even if an earlier one fails, so one run reports everything.
status=0
# One compile for both suites; each gets its own header.
node scripts/run-tests.mjs unit integration || status=$?
if ((vscode == 0)); then
  node scripts/vscode/run-suite.mjs || status=$?
  node scripts/run-tests.mjs e2e || status=$?
else
  echo "test: VS Code suite and E2E tests not run: the VS Code install failed (above)" >&2
  status=1
fi
exit "$status"
