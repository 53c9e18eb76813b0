#!/usr/bin/env bash
# Streaming EM on a file larger than R would comfortably hold: N (default 5e7) rows of a K = 3
# softmax-gated Gaussian MoE on one covariate, written as a moest binary table by
# bench/stream_generate.R, fitted with `moest fit --stream` under /usr/bin/time -v (wall and CPU time,
# peak RSS). Also a 1e6-row CSV against the same rows as a binary table (the cost of parsing text),
# and optionally (IN_MEMORY=1) the peak RSS of an in-memory fit at n = 1e7, p = 5.
# Usage: bench/stream_5e7.sh [N]   (run from the repository root after `make build`)
set -euo pipefail
N=${1:-50000000}
MOEST=${MOEST:-build/moest}
DIR=${DIR:-/tmp/moest-stream-bench-$$}
CHUNK=${CHUNK:-1000000}
mkdir -p "$DIR"
trap 'rm -rf "$DIR"' EXIT
export OPENBLAS_NUM_THREADS=1
df -h "$DIR" | tail -1
BIG=${BIG:-$DIR/big.bin}   # BIG=path: an already generated table (kept)
if [ ! -e "$BIG" ]; then
  echo "== generating $N rows"
  /usr/bin/time -f "generate: %e s wall" nice -n 5 Rscript bench/stream_generate.R "$N" "$BIG" 1
fi
ls -l "$BIG"
echo "== streaming fit (chunks of $CHUNK rows, starts on the first 100000 rows)"
/usr/bin/time -v "$MOEST" fit "$BIG" -f "y ~ x" -K 3 --stream --chunk-rows "$CHUNK" --seed 1 --starts 5 \
  --threads 1 --label-order expert -o "$DIR/model.json" 2> "$DIR/time.txt" > "$DIR/summary.txt" || true
grep -E "^(start|iteration|moest)" "$DIR/time.txt" | tail -n 40
grep -E "Elapsed|User time|System time|Maximum resident" "$DIR/time.txt"
cat "$DIR/summary.txt"
