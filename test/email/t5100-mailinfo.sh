#!/bin/sh
# Replays git's t5100 mailinfo cases (the corpus's check.sh) against cairn's
# mailinfo-cli: sh test/email/t5100-mailinfo.sh [DATA_DIR]
# tsx is loaded by absolute path: check.sh works in a temp dir, from where
# `node --import tsx` cannot resolve the package.
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=${1:-$ROOT/../shared/corpora/git-t5100}
if [ ! -f "$DATA/check.sh" ]; then echo "skip: no t5100 corpus at $DATA"; exit 0; fi
out=$(MAILINFO="node --import $ROOT/node_modules/tsx/dist/loader.mjs $ROOT/bridges/email/parse/mailinfo-cli.ts" sh "$DATA/check.sh" "$DATA")
echo "$out"
# check.sh leaves its work dir behind; clean it up.
work=$(echo "$out" | sed -n 's/.*(workdir \(.*\))$/\1/p')
case $work in /tmp/*) rm -rf "$work" ;; esac
echo "$out" | grep -q ' fail=0 ' && exit 0
exit 1
