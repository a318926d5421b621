// Specification of ProductStore: product snapshots in RocksDB, in a temporary
// directory per test.
#include "catalog/product_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tests/testing/temp_dir.h"

namespace vitrine::catalog {
namespace {

using ::testing::ElementsAre;
using ::testing::Optional;

class ProductStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<ProductStore> Open(StoreMode mode) {
    absl::StatusOr<std::unique_ptr<ProductStore>> store =
        ProductStore::Open(dir_.Sub("snapshots"), {.mode = mode});
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  std::unique_ptr<ProductStore> OpenWritable() { return Open(StoreMode::kReadWrite); }

  testing::TempDir dir_;
};

const std::vector<Snapshot> kSnapshots = {
    {"1001", R"({"id":"1001","title":"Navy Shirt"})"},
    {"1002", R"({"id":"1002","title":"Black Jeans"})"},
    {"1003", R"({"id":"1003","title":"White Shoes"})"},
};

TEST_F(ProductStoreTest, GetReturnsASyncedWrite) {
  std::unique_ptr<ProductStore> store = OpenWritable();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Write(kSnapshots, Durability::kSynced).ok());
  absl::StatusOr<std::string> json = store->Get("1002");
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, R"({"id":"1002","title":"Black Jeans"})");
}

TEST_F(ProductStoreTest, ReadsFromTheSnapshotCacheSeeEveryLaterWriteAndDelete) {
  for (const size_t cache_bytes : {size_t{32} << 20, size_t{40}, size_t{0}}) {
    SCOPED_TRACE(cache_bytes);
    testing::TempDir dir;
    std::unique_ptr<ProductStore> store =
        ProductStore::Open(dir.Sub("snapshots"),
                           {.mode = StoreMode::kReadWrite, .snapshot_cache_bytes = cache_bytes})
            .value();
    ASSERT_TRUE(store->Write(kSnapshots, Durability::kLogged).ok());
    const std::vector<std::string> ids = {"1001", "1002", "9999"};
    for (int twice = 0; twice < 2; ++twice) {  // read from RocksDB, then from the cache
      EXPECT_THAT(
          store->MultiGet(ids).value(),
          ElementsAre(Optional(kSnapshots[0].json), Optional(kSnapshots[1].json), std::nullopt));
    }
    const Snapshot changed = {"1002", R"({"id":"1002","title":"Blue Jeans"})"};
    ASSERT_TRUE(store->Write({&changed, 1}, Durability::kLogged).ok());
    EXPECT_EQ(store->Get("1002").value_or("<missing>"), changed.json);
    EXPECT_THAT(store->MultiGet(ids).value()[1], Optional(changed.json));
    const std::string gone[] = {"1001"};
    ASSERT_TRUE(store->Delete(gone, Durability::kLogged).ok());
    EXPECT_EQ(store->MultiGet(ids).value()[0], std::nullopt);
    EXPECT_TRUE(absl::IsNotFound(store->Get("1001").status()));
  }
}

TEST_F(ProductStoreTest, ReadersNeverSeeASnapshotOlderThanAFinishedWrite) {
  std::unique_ptr<ProductStore> store = OpenWritable();
  ASSERT_NE(store, nullptr);
  constexpr int kVersions = 300;  // bounded: one writer, two readers
  auto write = [&](int version) {
    const Snapshot snapshot = {"1", std::to_string(version)};
    return store->Write({&snapshot, 1}, Durability::kLogged);
  };
  ASSERT_TRUE(write(0).ok());
  std::atomic<int> written = 0;  // every version up to this one has been written
  std::atomic<int> stale = 0;
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      int last_seen = 0;
      const std::vector<std::string> ids = {"1"};
      while (written.load() < kVersions) {
        const int floor = written.load();
        const int seen = std::stoi(store->MultiGet(ids).value()[0].value_or("-1"));
        if (seen < floor || seen < last_seen) ++stale;
        last_seen = seen;
      }
    });
  }
  for (int version = 1; version <= kVersions; ++version) {
    ASSERT_TRUE(write(version).ok());
    written = version;
  }
  for (std::thread& reader : readers) reader.join();
  EXPECT_EQ(stale.load(), 0);
  EXPECT_EQ(store->Get("1").value_or(""), std::to_string(kVersions));
}

TEST_F(ProductStoreTest, GetReturnsABulkWriteAfterFlush) {
  std::unique_ptr<ProductStore> store = OpenWritable();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Write(kSnapshots, Durability::kBulk).ok());
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(store->Get("1003").value_or("<missing>"), R"({"id":"1003","title":"White Shoes"})");
}

TEST_F(ProductStoreTest, GetOfAnUnknownIdIsNotFound) {
  std::unique_ptr<ProductStore> store = OpenWritable();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Write(kSnapshots, Durability::kSynced).ok());
  const absl::StatusOr<std::string> json = store->Get("9999");
  EXPECT_EQ(json.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(json.status().message(), ::testing::HasSubstr("9999"));
}

TEST_F(ProductStoreTest, WriteReplacesTheSnapshotOfAnExistingId) {
  std::unique_ptr<ProductStore> store = OpenWritable();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Write(kSnapshots, Durability::kSynced).ok());
  const std::vector<Snapshot> update = {{"1001", R"({"id":"1001","title":"Navy Shirt v2"})"}};
  ASSERT_TRUE(store->Write(update, Durability::kSynced).ok());
  EXPECT_EQ(store->Get("1001").value_or(""), R"({"id":"1001","title":"Navy Shirt v2"})");
  EXPECT_EQ(store->Count().value_or(0), 3u);
}

TEST_F(ProductStoreTest, MultiGetAnswersInRequestOrderWithNulloptForUnknownIds) {
  std::unique_ptr<ProductStore> store = OpenWritable();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Write(kSnapshots, Durability::kSynced).ok());
  const std::vector<std::string> ids = {"1003", "nope", "1001", "", "1003"};
  absl::StatusOr<std::vector<std::optional<std::string>>> found = store->MultiGet(ids);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_THAT(*found,
              ElementsAre(Optional(kSnapshots[2].json), std::nullopt, Optional(kSnapshots[0].json),
                          std::nullopt, Optional(kSnapshots[2].json)));
}

TEST_F(ProductStoreTest, MultiGetOfNoIdsIsEmpty) {
  std::unique_ptr<ProductStore> store = OpenWritable();
  ASSERT_NE(store, nullptr);
  absl::StatusOr<std::vector<std::optional<std::string>>> found = store->MultiGet({});
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_TRUE(found->empty());
}

TEST_F(ProductStoreTest, CountsProducts) {
  std::unique_ptr<ProductStore> store = OpenWritable();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Count().value_or(99), 0u);
  ASSERT_TRUE(store->Write(kSnapshots, Durability::kBulk).ok());
  EXPECT_EQ(store->Count().value_or(99), 3u);
}

TEST_F(ProductStoreTest, AnEmptyWriteIsANoOp) {
  std::unique_ptr<ProductStore> store = OpenWritable();
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->Write({}, Durability::kSynced).ok());
  EXPECT_EQ(store->Count().value_or(99), 0u);
}

TEST_F(ProductStoreTest, ReadOnlyReopenSeesFlushedBulkWrites) {
  {
    std::unique_ptr<ProductStore> store = OpenWritable();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Write(kSnapshots, Durability::kBulk).ok());
    ASSERT_TRUE(store->Flush().ok());
  }
  std::unique_ptr<ProductStore> reader = Open(StoreMode::kReadOnly);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->Count().value_or(0), 3u);
  EXPECT_EQ(reader->Get("1001").value_or(""), kSnapshots[0].json);
}

TEST_F(ProductStoreTest, ReadOnlyReopenSeesSyncedWrites) {
  {
    std::unique_ptr<ProductStore> store = OpenWritable();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Write(kSnapshots, Durability::kSynced).ok());
  }
  std::unique_ptr<ProductStore> reader = Open(StoreMode::kReadOnly);
  ASSERT_NE(reader, nullptr);
  EXPECT_EQ(reader->Get("1002").value_or(""), kSnapshots[1].json);
}

TEST_F(ProductStoreTest, ManyReadOnlyStoresMayOpenTheSameDirectory) {
  {
    std::unique_ptr<ProductStore> store = OpenWritable();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Write(kSnapshots, Durability::kSynced).ok());
  }
  std::unique_ptr<ProductStore> first = Open(StoreMode::kReadOnly);
  std::unique_ptr<ProductStore> second = Open(StoreMode::kReadOnly);
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(first->Get("1003").value_or(""), second->Get("1003").value_or("-"));
}

TEST_F(ProductStoreTest, ReadOnlyOpenOfAMissingStoreFails) {
  const absl::StatusOr<std::unique_ptr<ProductStore>> store =
      ProductStore::Open(dir_.Sub("missing"), {.mode = StoreMode::kReadOnly});
  EXPECT_FALSE(store.ok());
}

}  // namespace
}  // namespace vitrine::catalog
