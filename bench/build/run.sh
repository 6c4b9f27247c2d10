#!/bin/sh
# Measures the build budget: builds a program listing Auth0 users with
# gen/auth0mgmt, with go-auth0 v2.0.0 and with go-auth0 v1.45.0, side by
# side (cold and warm, ROUNDS rounds, default 3) and prints the ratios
# against the budgets. Run from anywhere, e.g. bench/build/run.sh.
set -eu
cd "$(dirname "$0")/.."
exec go run ./build "$@"
