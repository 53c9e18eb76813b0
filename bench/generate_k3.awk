# A CSV from the K = 3 softmax-gated Gaussian MoE of bench/flexmix_vs_moest.R with p covariates:
#   awk -v n=1e7 -v p=5 -v seed=1 -f bench/generate_k3.awk > data.csv
# Columns y, x1..xp; the gate uses x1, the experts x1 (component slopes) and 0.5, 0.75, ... on x2..xp.
BEGIN {
  srand(seed + 0)
  n += 0; p += 0
  header = "y"
  for (j = 1; j <= p; j++) header = header ",x" j
  print header
  a[1] = 2; a[2] = -2; a[3] = 0; b[1] = 1; b[2] = 2; b[3] = -3; s[1] = 0.3; s[2] = 0.4; s[3] = 0.25
  for (i = 0; i < n; i++) {
    for (j = 1; j <= p; j++) x[j] = 2 * rand() - 1
    e2 = exp(0.5 + 3 * x[1]); e3 = exp(-0.5 - 3 * x[1]); tot = 1 + e2 + e3
    u = rand()
    z = (u < 1 / tot) ? 1 : ((u < (1 + e2) / tot) ? 2 : 3)
    noise = sqrt(-2 * log(1 - rand())) * cos(6.283185307179586 * rand())
    y = a[z] + b[z] * x[1] + s[z] * noise
    for (j = 2; j <= p; j++) y += (0.25 + 0.25 * j) * x[j]
    line = sprintf("%.7g", y)
    for (j = 1; j <= p; j++) line = line sprintf(",%.7g", x[j])
    print line
  }
}
