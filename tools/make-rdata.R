# Regenerates the package's lazy data, data/tonedata.rda and data/mcycle.rda, from the CSV files in
# datasets/ (see datasets/README.md for their sources). Run from the repository root:
#   Rscript tools/make-rdata.R
# tests/testthat/test-data.R checks that the .rda files and the CSV files agree.
for (name in c("tonedata", "mcycle")) {
  value <- utils::read.csv(file.path("datasets", paste0(name, ".csv")))
  assign(name, value)
  save(list = name, file = file.path("data", paste0(name, ".rda")), compress = "xz", version = 2)
  cat(sprintf("data/%s.rda: %d rows, columns %s\n", name, nrow(value),
              paste(names(value), collapse = ", ")))
}
