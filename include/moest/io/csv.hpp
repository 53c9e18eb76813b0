// Reading a CSV table: a header row of column names, then one row per observation.
#pragma once

#include <istream>
#include <string>
#include <vector>

#include "moest/arma.hpp"
#include "moest/huge_pages.hpp"

namespace moest {

struct Column {
  std::string name;
  bool numeric = true;                // every non-missing cell parsed as a number
  // numeric columns: missing cells are NaN (on huge pages when large: moest/huge_pages.hpp)
  std::vector<double, HugePageAllocator<double>> values;
  std::vector<std::string> text;      // non-numeric columns: the cells as written
  std::vector<unsigned char, HugePageAllocator<unsigned char>> missing;  // 1 where the cell was empty or NA
  std::size_t firstBadRow = 0;        // non-numeric columns: 1-based data row of the first non-number
  std::string firstBadValue;
};

/** Where a piece of a CSV file starts, so that messages count rows and lines from the file's start. */
struct CsvPosition {
  std::size_t rowsBefore = 0;   // data rows of the file before the piece
  std::size_t linesBefore = 0;  // added to the piece's line numbers (its header is its line 1)
};

class Table {
 public:
  /**
   * A numeric table from the columns of `values` (rows are observations); `rowsBefore` data rows of
   * the file precede it (messages name the file's row).
   */
  static Table FromMatrix(const std::vector<std::string>& names, const arma::mat& values, std::size_t rowsBefore = 0);

  std::size_t NumRows() const { return nRows_; }
  const std::vector<Column>& Columns() const { return columns_; }
  bool Has(const std::string& name) const;
  /** The column called `name`; InputError naming it (and the columns there are) when absent. */
  const Column& Get(const std::string& name) const;
  /**
   * The column as numbers; InputError naming the column and row of the first empty, NA, NaN,
   * infinite or non-numeric cell.
   */
  arma::vec Numeric(const std::string& name) const;
  /** The column as numbers, written to out[0], ..., out[NumRows() - 1]; the checks of Numeric. */
  void CopyNumeric(const std::string& name, double* out) const;
  /** A comma-separated list of the column names, for messages. */
  std::string NameList() const;

 private:
  friend Table ParseCsv(std::istream& in, const std::string& source, const CsvPosition& position);
  /** Room for `rows` rows in every column, so that a large file's columns do not grow by doubling. */
  void ReserveRows(std::size_t rows);
  /** Gives back the capacity a column does not use (an overestimated ReserveRows). */
  void ShrinkColumns();
  std::vector<Column> columns_;
  std::size_t nRows_ = 0;
  std::size_t rowsBefore_ = 0;  // a chunk of a larger file: data rows before it
};

/**
 * Parse CSV text (RFC 4180 quoting, comma separator), record by record from the stream; `source` names
 * the input in messages.
 */
Table ParseCsv(std::istream& in, const std::string& source, const CsvPosition& position = {});
/** Read a CSV file in blocks (never the whole text at once); InputError when it cannot be opened. */
Table ReadCsv(const std::string& path);

/** Write a numeric table with the given column names as CSV (full double precision). */
std::string FormatCsv(const std::vector<std::string>& names, const arma::mat& values);

}  // namespace moest
