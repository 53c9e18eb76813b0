# The command-line tool and R share the core, the seeds and the model file: the same data, formula
# and seed give the same fit, and each reads the other's files. Skipped unless the CLI has been
# built (make build puts it in build/moest; MOEST_CLI may name another binary).
cli <- Sys.getenv("MOEST_CLI", test_path("..", "..", "build", "moest"))

test_that("a model fitted by the CLI equals the same fit in R and works in R", {
  skip_if_not(file.exists(cli), "the moest command-line tool is not built")
  csv <- test_path("..", "..", "datasets", "tonedata.csv")
  skip_if_not(file.exists(csv))
  path <- temp_json()
  status <- system2(cli, c("fit", shQuote(csv), "--formula", shQuote("tuned ~ stretchratio"),
                           "-K", "2", "--seed", "1", "-q", "-o", shQuote(path)))
  skip_if_not(identical(status, 0L) && file.exists(path), "the CLI did not write a model")
  from_cli <- read_moe(path)
  in_r <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1)
  expect_equal(from_cli$created_by, "moest CLI")
  # The same arithmetic, though compiled separately (and R may use another BLAS): the estimates
  # agree to rounding, 1e-8 relative leaves ample room.
  expect_equal(coef(from_cli), coef(in_r), tolerance = 1e-8)
  expect_equal(from_cli$logLik, in_r$logLik, tolerance = 1e-10)
  expect_equal(from_cli$best_start, in_r$best_start)
  expect_equal(predict(from_cli, tonedata), fitted(in_r), tolerance = 1e-8)
  expect_error(fitted(from_cli), "stores none")
  expect_output(print(summary(from_cli)), "written by moest CLI")

  # And the CLI reads a file written by R.
  from_r <- temp_json()
  write_moe(in_r, from_r)
  out <- system2(cli, c("summary", shQuote(from_r)), stdout = TRUE, stderr = TRUE)
  expect_null(attr(out, "status"))
  expect_true(any(grepl("Log-likelihood", out)))
})
