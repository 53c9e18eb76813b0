# Runs the R package's testthat suite against the installed package and ends with one countable line,
# "N passed, N failed", exiting non-zero on any failure or error.
results <- as.data.frame(testthat::test_local(".", reporter = "summary", stop_on_failure = FALSE,
                                              load_package = "installed"))
failed <- sum(results$failed) + sum(results$error)
cat(sprintf("R tests: %d passed, %d failed, %d skipped\n",
            sum(results$passed), failed, sum(results$skipped)))
if (failed > 0) quit(status = 1)
