// Fuzz entry points: one per parser of user text. Each takes arbitrary bytes, returns normally when
// the parser accepts the input or rejects it with an InputError, and throws FuzzFinding (or crashes,
// under the sanitizers) when it finds a defect: another exception, a broken round trip, a non-finite
// value passed through. libFuzzer (tests/fuzz/libfuzzer_main.cpp) and the corpus replay test
// (tests/cpp/fuzz_corpus_test.cpp) call the same functions.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace moest::fuzz {

/** A defect found by a fuzz entry (not an InputError: those are the expected rejections). */
class FuzzFinding : public std::logic_error {
 public:
  explicit FuzzFinding(const std::string& what) : std::logic_error(what) {}
};

/** Throws FuzzFinding with `what` unless `condition` holds. */
inline void Require(bool condition, const std::string& what) {
  if (!condition) throw FuzzFinding(what);
}

/** CSV text: ParseCsv, then every column as numbers and as class labels. */
void FuzzCsv(const std::string& input);
/** A formula on the first line, CSV after it: ParseFormula (round trip), BuildDesign, CheckFullRank. */
void FuzzFormula(const std::string& input);
/** Model-file JSON: ModelFromJson, then ModelToJson and back again. */
void FuzzModelJson(const std::string& input);
/** A component spec "family(a = 1)": ParseSpec (round trip through ToString), Number, Integer. */
void FuzzSpec(const std::string& input);
/** The CLI option validators (whole number, positive number, family spec) on one line of text. */
void FuzzValidators(const std::string& input);

struct Target {
  const char* name;  // the corpus folder, tests/fuzz/corpus/NAME
  void (*run)(const std::string&);
};

/** Every target, in a fixed order. */
inline std::vector<Target> Targets() {
  return {{"csv", FuzzCsv},
          {"formula", FuzzFormula},
          {"model_json", FuzzModelJson},
          {"spec", FuzzSpec},
          {"validators", FuzzValidators}};
}

}  // namespace moest::fuzz
