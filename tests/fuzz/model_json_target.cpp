#include "moest/errors.hpp"
#include "moest/io/model_json.hpp"
#include "targets.hpp"

namespace moest::fuzz {

void FuzzModelJson(const std::string& input) {
  ModelFile file;
  try {
    file = ModelFromJson(input, "fuzz.json");
  } catch (const InputError&) {
    return;
  }
  // A file that loads must write and load again, to the same text.
  const std::string text = ModelToJson(file);
  ModelFile again;
  try {
    again = ModelFromJson(text, "rewritten");
  } catch (const InputError& e) {
    throw FuzzFinding(std::string("a loaded model file does not load after writing: ") + e.what());
  }
  Require(ModelToJson(again) == text, "a loaded model file changes on a second write");
}

}  // namespace moest::fuzz
