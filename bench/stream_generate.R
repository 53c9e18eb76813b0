# Writes n rows of a three-expert softmax-gated Gaussian MoE on one covariate as a moest binary table
# (stream/binary_table.hpp), a million rows at a time, so that the file can exceed what R would hold.
# Usage: Rscript bench/stream_generate.R N OUT.bin [SEED]
args <- commandArgs(TRUE)
n <- as.numeric(args[1]); out <- args[2]; seed <- if (length(args) > 2) as.integer(args[3]) else 1L
set.seed(seed)
gate <- rbind(c(0, 0.5, -0.5), c(0, 2, -2))                  # (intercept, slope) x component
beta <- rbind(c(-2, 0, 2), c(1, -1, 0.5)); sigma <- c(0.4, 0.3, 0.5)
con <- file(out, "wb")
writeChar("MOESTBIN", con, eos = NULL)
writeBin(1L, con, size = 4, endian = "little")                 # version
writeBin(2L, con, size = 4, endian = "little")                 # columns
writeBin(as.numeric(n), con, size = 8, endian = "little")      # placeholder: rows as a uint64 below
for (name in c("y", "x")) {
  writeBin(nchar(name), con, size = 4, endian = "little")
  writeChar(name, con, eos = NULL)
}
done <- 0
while (done < n) {
  m <- min(1e6, n - done)
  x <- runif(m, -1, 1)
  logits <- cbind(1, x) %*% gate
  p <- exp(logits - apply(logits, 1, max)); p <- p / rowSums(p)
  u <- runif(m); k <- ifelse(u < p[, 1], 1, ifelse(u < p[, 1] + p[, 2], 2, 3))
  y <- beta[1, k] + beta[2, k] * x + sigma[k] * rnorm(m)
  writeBin(as.vector(rbind(y, x)), con, size = 8, endian = "little")
  done <- done + m
}
close(con)
# The row count as a uint64: rewrite the 8 bytes after magic, version and column count.
con <- file(out, "r+b"); invisible(seek(con, 16, rw = "write"))
bytes <- packBits(intToBits(n %% 2^32), "raw"); high <- packBits(intToBits(n %/% 2^32), "raw")
writeBin(c(bytes, high), con); close(con)
cat("wrote", n, "rows to", out, "\n")
