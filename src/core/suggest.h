// "Did you mean …?": the closest known word to a misspelt one.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

// Levenshtein edit distance (insert, delete, substitute; transposition counts 1).
size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible typo
// (distance at most a third of the word's length, and at least 1 allowed).
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// ` (did you mean "x"?)` or the empty string.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace sluice
