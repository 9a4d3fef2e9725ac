// data/memory_datasets.cpp - data sets built from tensors in memory or from other data sets:
// TensorDataset, ZipDataset, SubsetDataset, and match_by_song to line two of them up.
#include <unordered_map>
#include <utility>

#include "data/datasets.h"
#include "tensor/error.h"

namespace timbre::data {

namespace {

void check_index(int64_t index, int64_t size, const char* who) {
  TIMBRE_CHECK(index >= 0 && index < size, who, ": index ", index, " is out of range for ", size,
               " examples");
}

}  // namespace

// ---- TensorDataset ------------------------------------------------------------------------------

TensorDataset::TensorDataset(const Tensor& features, std::vector<int64_t> labels,
                             std::vector<std::string> songs)
    : labels_(std::move(labels)), songs_(std::move(songs)) {
  TIMBRE_CHECK(features.defined() && features.dim() == 2,
               "TensorDataset: features must be a 2-d tensor [rows, columns]");
  TIMBRE_CHECK(features.device().is_cpu(), "TensorDataset: features must be on the CPU");
  TIMBRE_CHECK(features.dtype() == DType::Float32 || features.dtype() == DType::Float64,
               "TensorDataset: features must be float32 or float64, got ",
               dtype_name(features.dtype()));
  const int64_t rows = features.size(0);
  TIMBRE_CHECK(static_cast<int64_t>(labels_.size()) == rows, "TensorDataset: ", rows,
               " rows of features but ", labels_.size(), " labels");
  TIMBRE_CHECK(static_cast<int64_t>(songs_.size()) == rows, "TensorDataset: ", rows,
               " rows of features but ", songs_.size(), " songs");
  // clone() makes a private copy even when the input is already contiguous float32, so that the
  // caller changing its tensor later does not change the data set.
  features_ = features.to(DType::Float32).contiguous().clone();
}

Example TensorDataset::get(int64_t index) const {
  check_index(index, size(), "TensorDataset::get");
  const auto row = static_cast<size_t>(index);
  return Example{{features_.select(0, index).clone()}, labels_[row], songs_[row]};
}

// ---- ZipDataset ---------------------------------------------------------------------------------

ZipDataset::ZipDataset(std::shared_ptr<const Dataset> first, std::shared_ptr<const Dataset> second)
    : first_(std::move(first)), second_(std::move(second)) {
  TIMBRE_CHECK(first_ != nullptr && second_ != nullptr, "ZipDataset: a data set is null");
  TIMBRE_CHECK(first_->size() == second_->size(), "ZipDataset: the first data set has ",
               first_->size(), " examples but the second has ", second_->size(),
               " (line them up with match_by_song and SubsetDataset)");
}

Example ZipDataset::get(int64_t index) const {
  check_index(index, size(), "ZipDataset::get");
  Example first = first_->get(index);
  Example second = second_->get(index);
  TIMBRE_CHECK(first.song == second.song && first.label == second.label, "ZipDataset: example ",
               index, " is song '", first.song, "' (label ", first.label,
               ") in the first data set but song '", second.song, "' (label ", second.label,
               ") in the second; line them up with match_by_song and SubsetDataset");
  for (Tensor& input : second.inputs)
    first.inputs.push_back(std::move(input));
  return first;
}

// ---- SubsetDataset ------------------------------------------------------------------------------

SubsetDataset::SubsetDataset(std::shared_ptr<const Dataset> base, std::vector<int64_t> indices)
    : base_(std::move(base)), indices_(std::move(indices)) {
  TIMBRE_CHECK(base_ != nullptr, "SubsetDataset: the data set is null");
  for (size_t i = 0; i < indices_.size(); ++i) {
    TIMBRE_CHECK(indices_[i] >= 0 && indices_[i] < base_->size(), "SubsetDataset: index ",
                 indices_[i], " (entry ", i, ") is out of range for a data set of ", base_->size(),
                 " examples");
  }
}

Example SubsetDataset::get(int64_t index) const {
  check_index(index, size(), "SubsetDataset::get");
  return base_->get(indices_[static_cast<size_t>(index)]);
}

// ---- match_by_song ------------------------------------------------------------------------------

std::vector<int64_t> match_by_song(const std::vector<std::string>& songs_a,
                                   const std::vector<std::string>& songs_b) {
  std::unordered_map<std::string, int64_t> row_of;  // song -> its row in songs_b
  for (size_t row = 0; row < songs_b.size(); ++row) {
    const auto [place, inserted] = row_of.emplace(songs_b[row], static_cast<int64_t>(row));
    TIMBRE_CHECK(inserted, "match_by_song: song '", songs_b[row],
                 "' occurs twice in the second list (rows ", place->second, " and ", row,
                 "), so which row belongs to it is ambiguous");
  }
  std::vector<int64_t> rows;
  rows.reserve(songs_a.size());
  for (size_t i = 0; i < songs_a.size(); ++i) {
    const auto found = row_of.find(songs_a[i]);
    TIMBRE_CHECK(found != row_of.end(), "match_by_song: song '", songs_a[i], "' (entry ", i,
                 " of the first list) is not in the second list of ", songs_b.size(), " songs",
                 songs_b.empty() ? std::string() : " (its first is '" + songs_b[0] + "')");
    rows.push_back(found->second);
  }
  return rows;
}

}  // namespace timbre::data
