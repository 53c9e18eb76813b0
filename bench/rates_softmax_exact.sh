#!/bin/sh
# The full exact-fitted softmax-gated preset (NeurIPS 2023): 200 sizes from 100 to 1e5, 40 replicates,
# near-true starts, converged EM. Usage: bench/rates_softmax_exact.sh [BUILD_DIR] [THREADS]
# Appends nothing by itself: copy the printed time and slope table into bench/RESULTS.md.
set -e
build=${1:-build}
threads=${2:-2}
out=${build}/rates-softmax-exact.csv
start=$(date +%s)
OPENBLAS_NUM_THREADS=1 nice -n 10 "${build}/moest" rates --preset softmax-exact --threads "${threads}" \
  --resume -o "${out}"
end=$(date +%s)
echo "wall-clock seconds: $((end - start)) (threads ${threads}, nice -n 10)"
