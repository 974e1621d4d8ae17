# The crash loop (crash_loop_test.sh) with `fsync: always`: group commit under
# SIGKILL must lose no acknowledged event either.
export KILLS=${KILLS:-10} FSYNC=always
source "$(dirname "$0")/crash_loop_test.sh"
