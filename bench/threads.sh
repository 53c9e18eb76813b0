#!/usr/bin/env bash
# Speed-up of 2 threads over 1 (OpenMP), with identical results, for
#   (1) moest fit with 8 starts (the starts run in parallel), and
#   (2) moest rates, a quick convergence-rate study (the replicates run in parallel).
# The 1- and 2-thread runs alternate, 7 of each: the speed-up is the least time on 1 thread over the
# least on 2 (other load on a shared machine only ever adds time); the median of the 5 paired ratios is
# printed too. The fit is run once more without OPENBLAS_NUM_THREADS, as a user's shell has it (moest
# then holds OpenBLAS's own pool at one thread itself: moest/blas_threads.hpp). Run from the repository
# root after `make build` on an otherwise idle machine:
#   bench/threads.sh [n] [repeats]
set -euo pipefail
n=${1:-100000}
repeats=${2:-7}
moest=build/moest
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v n="$n" -v p=1 -v seed=3 -f bench/generate_k3.awk > "$work/data.csv"

seconds() {  # wall seconds of one run of a command, its output discarded
  local start end
  start=$(date +%s.%N)
  "$@" > /dev/null 2>&1
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}
# compare NAME OUT1 OUT2 COMMAND...: alternates --threads 1 and --threads 2 runs writing OUT1 and OUT2,
# and prints the least times, their ratio and the median paired ratio.
compare() {
  local name=$1 out1=$2 out2=$3
  shift 3
  local best1= best2= ratios=() t1 t2
  for rep in $(seq "$repeats"); do
    t1=$(seconds "$@" --threads 1 -o "$out1")
    t2=$(seconds "$@" --threads 2 -o "$out2")
    ratios+=("$(echo "$t1 / $t2" | bc -l)")
    if [ -z "$best1" ] || [ "$(echo "$t1 < $best1" | bc -l)" = 1 ]; then best1=$t1; fi
    if [ -z "$best2" ] || [ "$(echo "$t2 < $best2" | bc -l)" = 1 ]; then best2=$t2; fi
  done
  local median
  median=$(printf '%s\n' "${ratios[@]}" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')
  printf '%s: 1 thread %.2f s, 2 threads %.2f s, speed-up %.2fx (median of %s paired runs %.2fx; runs:' \
    "$name" "$best1" "$best2" "$(echo "$best1 / $best2" | bc -l)" "$repeats" "$median"
  printf ' %.2f' "${ratios[@]}"
  printf ')'
}
same() {  # the two model files agree except the wall-clock fields
  diff <(grep -v -E '"(seconds|created_by)"' "$1") <(grep -v -E '"(seconds|created_by)"' "$2") > /dev/null
}

echo "machine: $(nproc) cores, $(uname -m); date: $(date -u +%Y-%m-%d)"
fit=("$moest" fit "$work/data.csv" -f "y ~ x1 | x1" -K 3 --starts 8 --start-method random -q)
OPENBLAS_NUM_THREADS=1 compare "fit, n = $n, K = 3, 8 starts" "$work/m1.json" "$work/m2.json" "${fit[@]}"
same "$work/m1.json" "$work/m2.json" && echo ", model files identical" || echo ", model files DIFFERENT"

rates=("$moest" rates --preset softmax-exact --sizes 4000 8000 16000 32000 64000 --replicates 32 --fitted-K 2 -q)
OPENBLAS_NUM_THREADS=1 compare "rates, softmax-exact, 5 sizes (4000..64000) x 32 replicates" "$work/r1.csv" "$work/r2.csv" \
  "${rates[@]}"
cmp -s "$work/r1.csv" "$work/r2.csv" && echo ", CSV identical" || echo ", CSV DIFFERENT"

( unset OPENBLAS_NUM_THREADS
  compare "fit as above, OPENBLAS_NUM_THREADS unset" "$work/u1.json" "$work/u2.json" "${fit[@]}" )
same "$work/u1.json" "$work/m1.json" && echo ", model files identical to the runs above" || echo ", model files DIFFERENT"
