#include "moest/stream/binary_table.hpp"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "moest/errors.hpp"

namespace moest {

namespace {

const char kMagic[8] = {'M', 'O', 'E', 'S', 'T', 'B', 'I', 'N'};
const std::uint32_t kVersion = 1;

template <typename T>
bool ReadValue(std::ifstream& in, T& value) {
  return static_cast<bool>(in.read(reinterpret_cast<char*>(&value), sizeof value));
}

template <typename T>
void WriteValue(std::ofstream& out, const T& value) {
  out.write(reinterpret_cast<const char*>(&value), sizeof value);
}

}  // namespace

bool IsBinaryTable(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  return in.read(magic, sizeof magic) && std::memcmp(magic, kMagic, sizeof magic) == 0;
}

BinaryChunkSource::BinaryChunkSource(const std::string& path, std::size_t rows) : path_(path), rows_(rows) {
  if (rows < 1) throw InputError("the chunk size must be at least 1 row");
  in_.open(path, std::ios::binary);
  if (!in_) throw InputError("cannot read data file '" + path + "': " + std::strerror(errno));
  char magic[8] = {};
  std::uint32_t version = 0, columns = 0;
  std::uint64_t n = 0;
  if (!in_.read(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof magic) != 0) {
    throw InputError(Describe() + " is not a moest binary table (no MOESTBIN header)");
  }
  if (!ReadValue(in_, version) || version != kVersion) {
    throw InputError(Describe() + " has binary format version " + std::to_string(version) + "; this moest reads " +
                     std::to_string(kVersion));
  }
  if (!ReadValue(in_, columns) || !ReadValue(in_, n) || columns == 0) {
    throw InputError(Describe() + ": the binary header is truncated or names no columns");
  }
  for (std::uint32_t j = 0; j < columns; ++j) {
    std::uint32_t length = 0;
    if (!ReadValue(in_, length) || length == 0 || length > 65536) {
      throw InputError(Describe() + ": the binary header's column name " + std::to_string(j + 1) + " is unreadable");
    }
    std::string name(length, '\0');
    if (!in_.read(&name[0], length)) throw InputError(Describe() + ": the binary header is truncated");
    names_.push_back(name);
  }
  nRows_ = static_cast<std::size_t>(n);
  dataStart_ = in_.tellg();
  const auto expected = static_cast<std::uintmax_t>(dataStart_) + n * columns * sizeof(double);
  if (std::filesystem::file_size(path) != expected) {
    throw InputError(Describe() + " should hold " + std::to_string(n) + " rows of " + std::to_string(columns) +
                     " doubles after its header but its size does not match (truncated?)");
  }
}

void BinaryChunkSource::Rewind() {
  in_.clear();
  in_.seekg(dataStart_);
  rowsRead_ = 0;
}

bool BinaryChunkSource::Next(Table* chunk) {
  if (rowsRead_ >= nRows_) return false;
  const std::size_t m = std::min(rows_, nRows_ - rowsRead_), c = names_.size();
  const std::size_t rowsBefore = rowsRead_;
  rowsRead_ += m;
  if (chunk == nullptr) {
    in_.seekg(static_cast<std::streamoff>(m * c * sizeof(double)), std::ios::cur);
    return true;
  }
  // Row-major on disk is column-major c x m: one transpose gives the rows as observations.
  arma::mat values(c, m);
  if (!in_.read(reinterpret_cast<char*>(values.memptr()), static_cast<std::streamsize>(m * c * sizeof(double)))) {
    throw InputError(Describe() + ": could not read rows " + std::to_string(rowsBefore + 1) + " to " +
                     std::to_string(rowsBefore + m));
  }
  *chunk = Table::FromMatrix(names_, values.t(), rowsBefore);
  return true;
}

std::size_t WriteBinaryTable(ChunkSource& source, const std::string& path) {
  const std::string partial = path + ".partial";
  std::size_t n = 0;
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    if (!out) throw InputError("cannot write '" + partial + "': " + std::strerror(errno));
    const std::vector<std::string>& names = source.Names();
    out.write(kMagic, sizeof kMagic);
    WriteValue(out, kVersion);
    WriteValue(out, static_cast<std::uint32_t>(names.size()));
    const std::streampos rowsAt = out.tellp();
    WriteValue(out, static_cast<std::uint64_t>(0));  // filled in at the end
    for (const std::string& name : names) {
      WriteValue(out, static_cast<std::uint32_t>(name.size()));
      out.write(name.data(), static_cast<std::streamsize>(name.size()));
    }
    source.Rewind();
    Table chunk;
    try {
      while (source.Next(&chunk)) {
        arma::mat values(names.size(), chunk.NumRows());
        for (std::size_t j = 0; j < names.size(); ++j) values.row(j) = chunk.Numeric(names[j]).t();
        out.write(reinterpret_cast<const char*>(values.memptr()),
                  static_cast<std::streamsize>(values.n_elem * sizeof(double)));
        n += chunk.NumRows();
      }
    } catch (...) {
      out.close();
      std::remove(partial.c_str());
      throw;
    }
    out.seekp(rowsAt);
    WriteValue(out, static_cast<std::uint64_t>(n));
    out.flush();
    if (!out) {
      std::remove(partial.c_str());
      throw InputError("could not write '" + partial + "' (disk full?)");
    }
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) {
    std::remove(partial.c_str());
    throw InputError("cannot rename '" + partial + "' to '" + path + "': " + error.message());
  }
  return n;
}

}  // namespace moest
