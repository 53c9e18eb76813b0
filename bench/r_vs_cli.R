# The same fit from R (moe() on a data frame) and from the CLI (moest fit on the same rows as CSV):
# K = 3 softmax-gated Gaussian MoE, one k-means start, one thread, same seed, so both reach the same
# estimate. CPU seconds, best of 3. The CLI time includes reading the CSV and writing the model file;
# the R time is the moe() call alone (the data frame is already in memory). Run from the repository root after
# `make build rpkg`:
#   OPENBLAS_NUM_THREADS=1 R_LIBS=build/Rlib Rscript bench/r_vs_cli.R [p] [n ...]
suppressPackageStartupMessages(library(moest))
args <- commandArgs(trailingOnly = TRUE)
p <- if (length(args)) as.integer(args[1]) else 1L
sizes <- if (length(args) > 1) as.numeric(args[-1]) else c(1e5, 1e6)
work <- tempfile("r_vs_cli")
dir.create(work)
on.exit(unlink(work, recursive = TRUE))
rhs <- paste(paste0("x", seq_len(p)), collapse = " + ")
form <- paste("y ~", rhs, "|", rhs)
best_of <- function(times, f) min(vapply(seq_len(times), function(i) f(), numeric(1)))
# CPU seconds (user + system) of a timing: the child's for the CLI, this process's for R. On a loaded
# machine CPU time is what stays comparable; on an idle one it equals the wall time (one thread).
cpu_child <- function(t) t[["user.child"]] + t[["sys.child"]]
cpu_self <- function(t) t[["user.self"]] + t[["sys.self"]]
rows <- list()
for (n in sizes) {
  csv <- file.path(work, "data.csv")
  system2("awk", c("-v", paste0("n=", n), "-v", paste0("p=", p), "-v", "seed=1", "-f",
                   "bench/generate_k3.awk"), stdout = csv)
  d <- read.csv(csv)
  for (se in c("observed", "none")) {
    out <- file.path(work, "model.json")
    cli <- best_of(3, function() cpu_child(system.time(status <- system2(
      "build/moest", c("fit", csv, "-f", shQuote(form), "-K", "3", "--starts", "1", "--start-method",
                       "kmeans", "--threads", "1", "--se", se, "-q", "-o", out)))))
    r <- best_of(3, function() cpu_self(system.time(m <<- moe(as.formula(form), data = d, K = 3, starts = 1, seed = 1,
                                                             control = moe_control(start = "kmeans", threads = 1,
                                                                                   se = se)))))
    cli_fit <- read_moe(out)
    rows[[length(rows) + 1]] <- data.frame(
      p = p, n = n, se = se, cli_cpu = cli, r_cpu = r, r_over_cli = r / cli,
      same_loglik = isTRUE(all.equal(as.numeric(logLik(m)), as.numeric(logLik(cli_fit)), tolerance = 1e-10)))
    print(rows[[length(rows)]], digits = 6, row.names = FALSE)
  }
}
cat("\nMachine:", Sys.info()[["machine"]], "-", parallel::detectCores(), "cores;",
    "date:", format(Sys.time(), "%Y-%m-%d"), "\n")
print(do.call(rbind, rows), digits = 6, row.names = FALSE)
