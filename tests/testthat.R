library(testthat)
library(moest)

test_check("moest")
