#!/usr/bin/env bash
# `npm test`: sets the machine up and builds, then runs the unit and the integration suites.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh
# One compile for both suites; each gets its own header, and both run even if the first fails.
node scripts/run-tests.mjs unit integration
