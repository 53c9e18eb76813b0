#!/usr/bin/env bash
# Speed-up of 2 threads over 1 (OpenMP), with identical results, for
#   (1) moest fit with 8 starts (the starts run in parallel), and
#   (2) moest rates, a quick convergence-rate study (the replicates run in parallel).
# Each time is the least of 3 runs. Run from the repository root after `make build` on an otherwise
# idle machine:
#   bench/threads.sh [n]
set -euo pipefail
export OPENBLAS_NUM_THREADS=1
n=${1:-100000}
moest=build/moest
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v n="$n" -v p=1 -v seed=3 -f bench/generate_k3.awk > "$work/data.csv"

wall() {  # the least wall seconds of 3 runs of a command, its output discarded (other load on a
           # shared machine only ever adds time)
  local start end t best=
  for rep in 1 2 3; do
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1
    end=$(date +%s.%N)
    t=$(echo "$end - $start" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
  done
  echo "$best"
}
same() {  # the two model files agree except the wall-clock fields
  diff <(grep -v -E '"(seconds|created_by)"' "$1") <(grep -v -E '"(seconds|created_by)"' "$2") > /dev/null
}

echo "machine: $(nproc) cores, $(uname -m); date: $(date -u +%Y-%m-%d)"
fit=(fit "$work/data.csv" -f "y ~ x1 | x1" -K 3 --starts 8 --start-method random -q)
t1=$(wall "$moest" "${fit[@]}" --threads 1 -o "$work/m1.json")
t2=$(wall "$moest" "${fit[@]}" --threads 2 -o "$work/m2.json")
same "$work/m1.json" "$work/m2.json" && fit_same=identical || fit_same=DIFFERENT
printf 'fit, n = %s, K = 3, 8 starts: 1 thread %.2f s, 2 threads %.2f s, speed-up %.2fx, model files %s\n' \
  "$n" "$t1" "$t2" "$(echo "$t1 / $t2" | bc -l)" "$fit_same"

rates=(rates --preset softmax-exact --sizes 4000 8000 16000 32000 64000 --replicates 32 --fitted-K 2 -q)
r1=$(wall "$moest" "${rates[@]}" --threads 1 -o "$work/r1.csv")
r2=$(wall "$moest" "${rates[@]}" --threads 2 -o "$work/r2.csv")
cmp -s "$work/r1.csv" "$work/r2.csv" && rates_same=identical || rates_same=DIFFERENT
printf 'rates, softmax-exact, 5 sizes (4000..64000) x 32 replicates: 1 thread %.2f s, 2 threads %.2f s, speed-up %.2fx, CSV %s\n' \
  "$r1" "$r2" "$(echo "$r1 / $r2" | bc -l)" "$rates_same"
