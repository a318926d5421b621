// Test helpers: a temporary directory removed with everything in it when the test
// ends, and the path of the checked-in fixtures.
#pragma once

#include <string>
#include <string_view>

namespace vitrine::testing {

class TempDir {
 public:
  TempDir();  // a fresh directory under $TMPDIR (or /tmp)
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string Sub(std::string_view name) const;
  // Writes `contents` to Sub(name) and returns that path.
  std::string WriteFile(std::string_view name, std::string_view contents) const;

 private:
  std::string path_;
};

// tests/testdata/<name>
std::string TestData(std::string_view name);

// The whole contents of a file (aborts the test binary if it cannot be read).
std::string ReadFile(const std::string& path);

}  // namespace vitrine::testing
