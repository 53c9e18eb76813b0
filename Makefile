# moest: the two set-up commands of the README are `make demo` and `make check`.
# Both install the Debian packages that are missing (idempotent), then build what they need.

BUILD     ?= build
RLIB      := $(BUILD)/Rlib
JOBS      ?= $(shell nproc)
export OPENBLAS_NUM_THREADS := 1

DEBIAN_PACKAGES := cmake g++ make libarmadillo-dev libopenblas-dev libboost-math-dev libcli11-dev \
  googletest libgtest-dev nlohmann-json3-dev libnlopt-cxx-dev r-base-dev r-cran-rcpp \
  r-cran-rcpparmadillo r-cran-formula r-cran-nlme r-cran-testthat r-cran-flexmix r-cran-mixtools r-cran-mvtnorm r-cran-mass \
  r-cran-jsonlite r-cran-knitr r-cran-rmarkdown r-cran-ggplot2 r-cran-nloptr pandoc \
  clang libclang-rt-14-dev valgrind libopenmpi-dev openmpi-bin

.PHONY: all deps build bench rpkg demo check test-cpp test-r test-r-valgrind vignettes clean test-sanitize fuzz

all: build

# Install only what is missing; apt-get update only when something is.
deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:" $$missing; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	else echo "All Debian packages present."; fi

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The C++ benchmark programs of bench/ (see README, "Speed").
bench: build
	cmake --build $(BUILD) -j $(JOBS) --target bench

# The R package, installed into a private library (the root is the package).
rpkg: deps
	@mkdir -p $(RLIB)
	MAKEFLAGS=-j$(JOBS) R CMD INSTALL --preclean --clean --library=$(RLIB) . > $(BUILD)/rpkg-install.log 2>&1 \
	  || { tail -40 $(BUILD)/rpkg-install.log; exit 1; }
	@echo "R package installed in $(RLIB)"

demo: build rpkg
	$(BUILD)/moest fit datasets/tonedata.csv --formula "tuned ~ stretchratio" -K 2 --seed 1 \
	  --quiet -o $(BUILD)/tonedata-model.json
	$(BUILD)/moest summary $(BUILD)/tonedata-model.json
	R_LIBS=$(RLIB) Rscript -e 'library(moest); fit <- moe(tuned ~ stretchratio, data = tonedata, K = 2, seed = 1); print(summary(fit))'

test-cpp: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-r: rpkg
	R_LIBS=$(RLIB) Rscript tools/run-r-tests.R

# The package's compiled code under valgrind's memcheck: one small call through every entry point
# (tools/r-valgrind-smoke.R); an invalid access or a use of an uninitialised value fails the run.
VALGRIND := valgrind --error-exitcode=3 --quiet --track-origins=yes --suppressions=tools/valgrind-r.supp
test-r-valgrind: rpkg
	R_LIBS=$(RLIB) OMP_NUM_THREADS=1 R -d "$(VALGRIND)" --vanilla --no-echo -f tools/r-valgrind-smoke.R

# Render every vignette against the installed package (they must keep running as the code changes).
vignettes: rpkg
	@mkdir -p $(BUILD)/vignettes
	for v in vignettes/*.Rmd; do \
	  R_LIBS=$(RLIB) Rscript -e 'rmarkdown::render(commandArgs(TRUE)[1], output_dir = commandArgs(TRUE)[2], quiet = TRUE)' \
	    $$v $(BUILD)/vignettes || exit 1; \
	done
	@echo "Vignettes rendered in $(BUILD)/vignettes"

# The C++ suite (with the fuzz-corpus replay) once more under AddressSanitizer and UndefinedBehaviorSanitizer,
# in its own build (-O1 -g); any report fails the run. SANITIZE_EXCLUDE (a ctest -E regex) skips the
# slowest tests, which take minutes under ASan; see docs/RELIABILITY.md.
ASAN_BUILD       ?= build-asan
SANITIZE_EXCLUDE ?= ^$$
SANITIZE_ENV     := ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:halt_on_error=1 \
                    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
test-sanitize: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
	  -DMOEST_SANITIZE=ON > /dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS) --target moest moest_tests
	cd $(ASAN_BUILD) && $(SANITIZE_ENV) ctest --output-on-failure -j $(JOBS) -E '$(SANITIZE_EXCLUDE)'

# libFuzzer on every parser of user text (tests/fuzz), FUZZ_SECONDS each, one after the other. New
# inputs collect in build-fuzz/corpus/TARGET; an input that fails is saved as build-fuzz/findings/TARGET-*:
# once fixed, copy it into tests/fuzz/corpus/TARGET so that `make check` replays it.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= csv formula model_json spec validators
fuzz: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DMOEST_FUZZ=ON -DMOEST_BUILD_TESTS=OFF > /dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@mkdir -p $(FUZZ_BUILD)/findings
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	  dict=$$( [ -f tests/fuzz/$$t.dict ] && echo -dict=tests/fuzz/$$t.dict ); \
	  $(FUZZ_BUILD)/tests/fuzz/fuzz_$$t $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t $$dict \
	    -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/findings/$$t- || exit 1; \
	done

check: test-cpp test-sanitize test-r test-r-valgrind vignettes

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) src/*.o src/core/*.o src/*.so
