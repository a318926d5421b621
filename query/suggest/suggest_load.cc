// Suggester::Load: the products of a generation as SuggestSource, from the Xapian
// value slots (id, popularity, rating, brand, category levels) and, for titles,
// one scan of the snapshot store that reads each snapshot only up to its title.
#include <malloc.h>
#include <xapian.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "absl/container/flat_hash_map.h"
#include "base/status.h"
#include "base/strings.h"
#include "catalog/index_schema.h"
#include "query/suggest/suggest.h"

namespace vitrine::query {
namespace {

namespace schema = catalog::schema;

// SAX handler that keeps the top-level "title" string and stops the parse there.
class TitleReader : public nlohmann::json::json_sax_t {
 public:
  explicit TitleReader(std::string& title) : title_(title) {}

  bool null() override { return true; }
  bool boolean(bool /*value*/) override { return true; }
  bool number_integer(number_integer_t /*value*/) override { return true; }
  bool number_unsigned(number_unsigned_t /*value*/) override { return true; }
  bool number_float(number_float_t /*value*/, const string_t& /*text*/) override { return true; }
  bool string(string_t& value) override {
    if (depth_ != 1 || !in_title_) return true;
    title_ = std::move(value);
    return false;  // done: the rest of the snapshot is not needed
  }
  bool binary(binary_t& /*value*/) override { return true; }
  bool start_object(std::size_t /*elements*/) override { return Enter(); }
  bool key(string_t& value) override {
    in_title_ = depth_ == 1 && value == "title";
    return true;
  }
  bool end_object() override { return Leave(); }
  bool start_array(std::size_t /*elements*/) override { return Enter(); }
  bool end_array() override { return Leave(); }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::json::exception& /*error*/) override {
    return false;
  }

 private:
  bool Enter() {
    ++depth_;
    in_title_ = false;
    return true;
  }
  bool Leave() {
    --depth_;
    in_title_ = false;
    return true;
  }

  std::string& title_;
  int depth_ = 0;
  bool in_title_ = false;
};

std::string TitleOf(std::string_view json) {
  std::string title;
  TitleReader reader(title);
  nlohmann::json::sax_parse(json.begin(), json.end(), &reader);
  return title;
}

// Calls `visit(docid, value)` for every non-empty value of `slot`.
template <typename Visit>
void ForEachValue(const Xapian::Database& database, Xapian::valueno slot, Visit visit) {
  for (Xapian::ValueIterator it = database.valuestream_begin(slot);
       it != database.valuestream_end(slot); ++it) {
    const std::string value = *it;
    if (!value.empty()) visit(it.get_docid(), value);
  }
}

// The generation's products with a title, in docid order.
absl::StatusOr<std::vector<SuggestSource>> ReadProducts(const std::string& xapian_path,
                                                        const catalog::ProductStore& store) {
  std::vector<SuggestSource> products;  // by docid
  try {
    const Xapian::Database database(xapian_path);
    products.resize(static_cast<size_t>(database.get_lastdocid()) + 1);
    ForEachValue(database, schema::kSlotId,
                 [&](Xapian::docid id, const std::string& value) { products[id].id = value; });
    ForEachValue(database, schema::kSlotPopularity,
                 [&](Xapian::docid id, const std::string& value) {
                   products[id].popularity = Xapian::sortable_unserialise(value);
                 });
    ForEachValue(database, schema::kSlotRating, [&](Xapian::docid id, const std::string& value) {
      products[id].rating = Xapian::sortable_unserialise(value);
    });
    ForEachValue(database, schema::kSlotBrand,
                 [&](Xapian::docid id, const std::string& value) { products[id].brand = value; });
    // Every level of the path (and the leaf of a shorter one): filter.category
    // matches any level, so each is a suggestion that can become a filter.
    for (Xapian::valueno slot = schema::kSlotCategoryLevel0;
         slot < schema::kSlotCategoryLevel0 + schema::kCategoryLevels; ++slot) {
      ForEachValue(database, slot, [&](Xapian::docid id, const std::string& value) {
        products[id].categories.push_back(value);
      });
    }
    ForEachValue(database, schema::kSlotCategoryLeaf,
                 [&](Xapian::docid id, const std::string& value) {
                   std::vector<std::string>& categories = products[id].categories;
                   if (std::find(categories.begin(), categories.end(), value) == categories.end()) {
                     categories.push_back(value);
                   }
                 });
  } catch (const Xapian::Error& e) {
    return absl::UnavailableError(
        StrCat("reading suggestions from ", xapian_path, ": ", e.get_description()));
  }
  absl::flat_hash_map<std::string_view, size_t> by_id;
  by_id.reserve(products.size());
  for (size_t docid = 0; docid < products.size(); ++docid) {
    if (!products[docid].id.empty()) by_id.emplace(products[docid].id, docid);
  }
  RETURN_IF_ERROR(store.ForEach([&](std::string_view id, std::string_view json) {
    const auto it = by_id.find(id);
    if (it != by_id.end()) products[it->second].title = TitleOf(json);
  }));
  std::erase_if(products, [](const SuggestSource& product) { return product.title.empty(); });
  return products;
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Suggester>> Suggester::Load(const std::string& xapian_path,
                                                                 const catalog::ProductStore& store,
                                                                 SuggestLimits limits) {
  std::shared_ptr<const Suggester> suggester;
  {
    ASSIGN_OR_RETURN(const std::vector<SuggestSource> products, ReadProducts(xapian_path, store));
    suggester = Build(products, limits);
  }
#ifdef __GLIBC__
  // The build's scratch (several times the suggester's size, in many small
  // blocks) is free now: hand it back to the OS rather than keep it resident.
  malloc_trim(0);
#endif
  return suggester;
}

}  // namespace vitrine::query
