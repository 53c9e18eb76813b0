# The CLI and R run the same core from the same seed: when both are compiled against the same Armadillo
# release (CMake's default, see CMakeLists.txt) their model files agree byte for byte, apart from who
# wrote the file and the trace's wall-clock seconds. Skipped unless the CLI is built; a CLI built
# against another Armadillo (-DMOEST_ARMADILLO_INCLUDE=OFF) is checked to agree to rounding instead.
cli <- Sys.getenv("MOEST_CLI", test_path("..", "..", "build", "moest"))

cli_armadillo <- function() {
  version <- system2(cli, "--version", stdout = TRUE)
  sub(".*\\(Armadillo ([0-9.]+)\\).*", "\\1", version[1])
}

same_bytes <- function(a, b) {
  masked <- function(path) grep("\"(seconds|created_by)\"", readLines(path), value = TRUE, invert = TRUE)
  identical(masked(a), masked(b))
}

cases <- list(
  list(csv = "tonedata.csv", data = "tonedata", formula = "tuned ~ stretchratio", K = 2, seed = 1,
       options = list(), args = character()),
  list(csv = "mcycle.csv", data = "mcycle", formula = "accel ~ times", K = 3, seed = 2,
       options = list(gate = "t_density"), args = c("--gate", "t_density")),
  list(csv = "mcycle.csv", data = "mcycle", formula = "accel ~ times", K = 2, seed = 3,
       options = list(control = moe_control(solver = "em+mle")), args = c("--solver", "em+mle")),
  list(csv = "tonedata.csv", data = "tonedata", formula = "tuned ~ stretchratio", K = 2, seed = 4,
       options = list(expert = "t", gate = "laplace"), args = c("--expert", "t", "--gate", "laplace")))

test_that("the CLI and moe() write the same model file from the same data and seed", {
  skip_if_not(file.exists(cli), "the moest command-line tool is not built")
  same_release <- identical(cli_armadillo(),
                            paste(unlist(RcppArmadillo::armadillo_version(FALSE)), collapse = "."))
  for (case in cases) {
    csv <- test_path("..", "..", "datasets", case$csv)
    from_cli <- temp_json()
    status <- system2(cli, c("fit", shQuote(csv), "--formula", shQuote(case$formula), "-K", case$K,
                             "--seed", case$seed, case$args, "-q", "-o", shQuote(from_cli)))
    expect_true(status %in% c(0L, 1L), info = case$formula)
    data <- read.csv(csv)
    fit <- do.call(moe, c(list(as.formula(case$formula), data = data, K = case$K, seed = case$seed),
                          case$options))
    from_r <- temp_json()
    write_moe(fit, from_r)
    if (same_release) {
      expect_true(same_bytes(from_cli, from_r), info = paste(case$formula, case$args, collapse = " "))
    } else {
      expect_equal(coef(read_moe(from_cli)), coef(fit), tolerance = 1e-8)
    }
  }
})
