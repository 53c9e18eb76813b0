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

test_that("the CLI's poly(x, 3) design columns equal R's poly(), on the fit's data and on new data", {
  skip_if_not(file.exists(cli), "the moest command-line tool is not built")
  set.seed(11)
  data <- data.frame(x = runif(80, 0, 10))
  data$y <- 1 + 0.5 * data$x - 0.05 * data$x^2 + rnorm(80, sd = 0.2)
  new <- data.frame(x = c(-1, 2.5, 7, 12))
  csv <- tempfile(fileext = ".csv")
  new_csv <- tempfile(fileext = ".csv")
  write.csv(data, csv, row.names = FALSE)
  write.csv(new, new_csv, row.names = FALSE)
  path <- temp_json()
  status <- system2(cli, c("fit", shQuote(csv), "--formula", shQuote("y ~ poly(x, 3) | poly(x, 3)"),
                           "-K", "1", "-q", "-o", shQuote(path)))
  expect_identical(status, 0L)
  basis <- poly(data$x, 3)
  coefs <- attr(basis, "coefs")
  stored <- moest:::moe_model_info(paste(readLines(path), collapse = "\n"))$model$bases
  expect_equal(length(stored), 1L)
  expect_close(stored[[1L]]$alpha, coefs$alpha, 1e-10, relative = TRUE)
  expect_close(stored[[1L]]$norm2, coefs$norm2, 1e-10, relative = TRUE)
  # Each design column, as the CLI builds it, through a model whose only coefficient is 1 on it:
  # predict --type experts then gives that column.
  from_cli <- read_moe(path)
  expect_equal(from_cli$terms_names$expert, c("(Intercept)", paste0("poly(x, 3)", 1:3)))
  for (j in 1:3) {
    unit <- matrix(as.numeric(seq_len(4) == j + 1L), ncol = 1L)
    column <- moest:::moe_with_parameters(from_cli, from_cli$coefficients$gate, unit, 1)
    column_path <- temp_json()
    write_moe(column, column_path)
    for (case in list(list(file = csv, expected = basis[, j]),
                      list(file = new_csv, expected = predict(basis, new$x)[, j]))) {
      out <- system2(cli, c("predict", shQuote(column_path), shQuote(case$file), "--type", "experts"),
                     stdout = TRUE)
      expect_close(as.numeric(out[-1L]), unname(case$expected), 1e-10)
    }
  }
  # R predicts a model read from the CLI's file in the training basis too.
  cli_predictions <- as.numeric(system2(cli, c("predict", shQuote(path), shQuote(new_csv)), stdout = TRUE)[-1L])
  expect_close(unname(predict(from_cli, new)), cli_predictions, 1e-8)
  # And the CLI predicts an R fit with poly() in R's basis (R stores it in the model file).
  in_r <- moe(y ~ poly(x, 3) | poly(x, 3), data = data, K = 1, seed = 1, starts = 1)
  from_r <- temp_json()
  write_moe(in_r, from_r)
  out <- as.numeric(system2(cli, c("predict", shQuote(from_r), shQuote(new_csv)), stdout = TRUE)[-1L])
  expect_close(out, unname(predict(in_r, new)), 1e-8)
})

test_that("the CLI's offset gives glm's Poisson fit and R reads it", {
  skip_if_not(file.exists(cli), "the moest command-line tool is not built")
  set.seed(12)
  data <- data.frame(x = runif(300, -1, 1), t = runif(300, 0.2, 5))
  data$count <- rpois(300, data$t * exp(0.5 + 0.8 * data$x))
  data$logt <- log(data$t)
  csv <- tempfile(fileext = ".csv")
  write.csv(data, csv, row.names = FALSE)
  path <- temp_json()
  status <- system2(cli, c("fit", shQuote(csv), "--formula", shQuote("count ~ x"), "--offset", "logt",
                           "--expert", "poisson", "-K", "1", "--tol", "1e-14", "-q", "-o", shQuote(path)))
  expect_identical(status, 0L)
  oracle <- glm(count ~ x + offset(logt), family = poisson, data = data,
                control = glm.control(epsilon = 1e-14, maxit = 100))
  from_cli <- read_moe(path)
  expect_equal(from_cli$offset_expression, "logt")
  expect_close(from_cli$coefficients$experts[, 1], unname(coef(oracle)), 1e-6)
  new <- data.frame(x = c(0, 0.5), logt = log(c(1, 2)))
  expect_equal(unname(predict(from_cli, new)), unname(predict(oracle, new, type = "response")),
               tolerance = 1e-6)
  # system2 warns about the exit status, which is what is checked here.
  bad <- suppressWarnings(system2(cli, c("fit", shQuote(csv), "--formula", shQuote("count ~ x"), "--offset",
                                         "exposure", "--expert", "poisson", "-K", "1", "-q"),
                                  stdout = TRUE, stderr = TRUE))
  expect_equal(attr(bad, "status"), 2L)
  expect_true(any(grepl("'exposure'", bad)))
})

test_that("a CLI fit with poly() terms equals the same fit in R", {
  skip_if_not(file.exists(cli), "the moest command-line tool is not built")
  # A smooth gate (on mcycle the gate separates and its coefficients are not identified).
  set.seed(5)
  data <- data.frame(x = runif(400, 0, 10))
  second <- runif(400) < plogis(-2 + 0.4 * data$x)
  data$y <- ifelse(second, 4 - 0.3 * data$x + rnorm(400, sd = 0.5),
                   1 + 0.5 * data$x - 0.05 * data$x^2 + rnorm(400, sd = 0.3))
  csv <- tempfile(fileext = ".csv")
  write.csv(data, csv, row.names = FALSE)
  path <- temp_json()
  formula <- "y ~ poly(x, 3) | poly(x, 2)"
  status <- system2(cli, c("fit", shQuote(csv), "--formula", shQuote(formula), "-K", "2", "--seed", "2",
                           "--starts", "3", "-q", "-o", shQuote(path)))
  expect_identical(status, 0L)
  from_cli <- read_moe(path)
  in_r <- moe(stats::as.formula(formula), data = data, K = 2, seed = 2, starts = 3)
  expect_equal(in_r$status, "converged")
  expect_equal(from_cli$terms_names, in_r$terms_names)
  expect_equal(coef(from_cli), coef(in_r), tolerance = 1e-6)
  expect_equal(from_cli$logLik, in_r$logLik, tolerance = 1e-8)
  new <- data.frame(x = c(-1, 5, 12))
  expect_equal(predict(from_cli, new), predict(in_r, new), tolerance = 1e-6)
})
