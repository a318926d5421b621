// Named API keys: parsing VITRINE_ADMIN_KEYS / VITRINE_SEARCH_KEYS, errors that
// never echo a key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/api.h"

namespace vitrine::server {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

TEST(ParseNamedKeys, ReadsNamesAndKeys) {
  absl::StatusOr<std::vector<NamedKey>> keys =
      ParseNamedKeys(" alice:KEY1-abcdef , bob.ops:k:with:colons ,");
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].name, "alice");
  EXPECT_EQ((*keys)[0].key, "KEY1-abcdef");
  EXPECT_EQ((*keys)[1].name, "bob.ops");
  EXPECT_EQ((*keys)[1].key, "k:with:colons");
  EXPECT_THAT(ParseNamedKeys("").value(), IsEmpty());
}

TEST(ParseNamedKeys, RefusesBadEntriesWithoutEchoingKeys) {
  const struct {
    std::string text;
    std::string message;
  } kCases[] = {
      {"secret-key-123", "entry 1 must be name:key"},
      {"al ice:secret-key-123", "entry 1 must be name:key"},
      {":secret-key-123", "entry 1 must be name:key"},
      {"alice:short", "the key of 'alice' must be 8 to 256"},
      {"alice:secret key 123", "the key of 'alice' must be 8 to 256"},
      {"alice:secret-key-123,alice:secret-key-456", "'alice' is given twice"},
      {"alice:secret-key-123,bob:secret-key-123", "'alice' and 'bob' have the same key"},
  };
  for (const auto& c : kCases) {
    absl::StatusOr<std::vector<NamedKey>> keys = ParseNamedKeys(c.text);
    ASSERT_FALSE(keys.ok()) << c.text;
    EXPECT_THAT(keys.status().message(), HasSubstr(c.message)) << c.text;
    EXPECT_THAT(keys.status().message(), Not(HasSubstr("secret"))) << c.text;
  }
}

}  // namespace
}  // namespace vitrine::server
