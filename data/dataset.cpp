// data/dataset.cpp - ClipList helpers and song_of.
#include "data/dataset.h"

#include <algorithm>
#include <cctype>
#include <string>

#include "tensor/error.h"

namespace timbre::data {

const std::vector<std::string>& gtzan_genres() {
  static const std::vector<std::string> genres = {
      "blues", "classical", "country", "disco", "hiphop", "jazz", "metal", "pop", "reggae", "rock"};
  return genres;
}

std::vector<int64_t> ClipList::labels() const {
  std::vector<int64_t> result;
  result.reserve(clips.size());
  for (const Clip& clip : clips)
    result.push_back(clip.label);
  return result;
}

std::vector<std::string> ClipList::songs() const {
  std::vector<std::string> result;
  result.reserve(clips.size());
  for (const Clip& clip : clips)
    result.push_back(clip.song);
  return result;
}

std::vector<int64_t> ClipList::counts_per_class() const {
  std::vector<int64_t> counts(classes.size(), 0);
  for (const Clip& clip : clips) {
    TIMBRE_CHECK(clip.label >= 0 && clip.label < static_cast<int64_t>(classes.size()), "clip ",
                 clip.path, " has label ", clip.label, " but the list has ", classes.size(),
                 " classes");
    ++counts[static_cast<size_t>(clip.label)];
  }
  return counts;
}

ClipList ClipList::subset(const std::vector<int64_t>& indices) const {
  ClipList result;
  result.classes = classes;
  result.clips.reserve(indices.size());
  for (int64_t index : indices) {
    TIMBRE_CHECK(index >= 0 && index < size(), "clip index ", index, " is out of range for ",
                 size(), " clips");
    result.clips.push_back(clips[static_cast<size_t>(index)]);
  }
  return result;
}

ClipList ClipList::with_classes(const std::vector<std::string>& names) const {
  // new_label[c]: the new label of old class c, or -1 when the class is left out.
  std::vector<int64_t> new_label(classes.size(), -1);
  for (size_t n = 0; n < names.size(); ++n) {
    const auto found = std::find(classes.begin(), classes.end(), names[n]);
    TIMBRE_CHECK(found != classes.end(), "with_classes: '", names[n],
                 "' is not one of the list's classes");
    new_label[static_cast<size_t>(found - classes.begin())] = static_cast<int64_t>(n);
  }
  ClipList result;
  result.classes = names;
  for (const Clip& clip : clips) {
    const int64_t label = new_label[static_cast<size_t>(clip.label)];
    if (label < 0) continue;
    result.clips.push_back(clip);
    result.clips.back().label = label;
  }
  return result;
}

std::string ClipList::summary() const {
  const std::vector<int64_t> counts = counts_per_class();
  std::string text;
  for (size_t c = 0; c < classes.size(); ++c) {
    if (c > 0) text += ", ";
    text += classes[c] + " " + std::to_string(counts[c]);
  }
  text += " (" + std::to_string(clips.size()) + " clips)";
  return text;
}

namespace {
bool all_digits(const std::string& text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); });
}
}  // namespace

std::string song_of(const std::string& filename) {
  std::string name = filename.substr(filename.find_last_of('/') + 1);
  const size_t extension = name.find_last_of('.');
  if (extension != std::string::npos && extension > 0) name.resize(extension);
  // "blues.00029.3": the last component is a segment number only when another '.' precedes it.
  const size_t last_dot = name.find_last_of('.');
  if (last_dot != std::string::npos && last_dot > 0 && all_digits(name.substr(last_dot + 1)) &&
      name.find_last_of('.', last_dot - 1) != std::string::npos) {
    name.resize(last_dot);
  }
  return name;
}

}  // namespace timbre::data
