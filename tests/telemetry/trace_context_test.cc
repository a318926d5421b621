// Specification of the W3C trace context part of telemetry/trace.h: which
// traceparent values are accepted and what they carry, formatting, and ids.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "telemetry/trace.h"

namespace vitrine::telemetry {
namespace {

constexpr char kTraceId[] = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr char kSpanId[] = "00f067aa0ba902b7";

std::string Header(std::string_view version, std::string_view trace_id, std::string_view span_id,
                   std::string_view flags) {
  return std::string(version) + "-" + std::string(trace_id) + "-" + std::string(span_id) + "-" +
         std::string(flags);
}

struct ValidCase {
  std::string header;
  bool sampled;
};

TEST(ParseTraceparent, AcceptsValidHeaders) {
  const std::vector<ValidCase> cases = {
      {Header("00", kTraceId, kSpanId, "01"), true},
      {Header("00", kTraceId, kSpanId, "00"), false},
      // Only bit 0 (sampled) is defined; the others are carried by no one here.
      {Header("00", kTraceId, kSpanId, "09"), true},
      {Header("00", kTraceId, kSpanId, "fe"), false},
      // HTTP optional whitespace around the value.
      {" \t" + Header("00", kTraceId, kSpanId, "01") + " ", true},
      // A later version: its first 55 characters, followed by '-' or nothing.
      {Header("01", kTraceId, kSpanId, "01"), true},
      {Header("cc", kTraceId, kSpanId, "00") + "-what-the-future-will-bring", false},
      {Header("fe", kTraceId, kSpanId, "01") + "-", true},
  };
  for (const ValidCase& test : cases) {
    SCOPED_TRACE(test.header);
    const std::optional<SpanContext> context = ParseTraceparent(test.header);
    ASSERT_TRUE(context.has_value());
    EXPECT_EQ(context->trace_id, kTraceId);
    EXPECT_EQ(context->span_id, kSpanId);
    EXPECT_EQ(context->sampled, test.sampled);
  }
}

TEST(ParseTraceparent, RefusesInvalidHeaders) {
  const std::string valid = Header("00", kTraceId, kSpanId, "01");
  const std::vector<std::string> cases = {
      "",
      "00",
      // Version "ff" is forbidden; versions are two lowercase hex digits.
      Header("ff", kTraceId, kSpanId, "01"),
      Header("0A", kTraceId, kSpanId, "01"),
      Header("0g", kTraceId, kSpanId, "01"),
      Header("0", kTraceId, kSpanId, "01"),
      // Uppercase hex anywhere.
      Header("00", "4BF92F3577B34DA6A3CE929D0E0E4736", kSpanId, "01"),
      Header("00", "4bf92f3577b34da6a3ce929d0e0e473A", kSpanId, "01"),
      Header("00", kTraceId, "00F067AA0BA902B7", "01"),
      Header("00", kTraceId, kSpanId, "0A"),
      // All-zero ids.
      Header("00", "00000000000000000000000000000000", kSpanId, "01"),
      Header("00", kTraceId, "0000000000000000", "01"),
      // Not hex.
      Header("00", "4bf92f3577b34da6a3ce929d0e0e473g", kSpanId, "01"),
      Header("00", kTraceId, "00f067aa0ba902bz", "01"),
      Header("00", kTraceId, kSpanId, "0x"),
      // Wrong lengths.
      Header("00", "4bf92f3577b34da6a3ce929d0e0e473", kSpanId, "01"),
      Header("00", "4bf92f3577b34da6a3ce929d0e0e47360", kSpanId, "01"),
      Header("00", kTraceId, "00f067aa0ba902b", "01"),
      Header("00", kTraceId, "00f067aa0ba902b70", "01"),
      Header("00", kTraceId, kSpanId, "1"),
      Header("00", kTraceId, kSpanId, "011"),
      // Version 00 has nothing after the flags.
      valid + "-",
      valid + "-extra",
      valid + "x",
      // A later version must be followed by '-' or nothing after its 55 characters.
      Header("01", kTraceId, kSpanId, "01") + "x",
      Header("01", kTraceId, kSpanId, "01") + "1-more",
      // Separators.
      "00_" + std::string(kTraceId) + "-" + kSpanId + "-01",
      "00-" + std::string(kTraceId) + "_" + kSpanId + "-01",
      "00-" + std::string(kTraceId) + "-" + kSpanId + "_01",
      "00" + std::string(kTraceId) + "-" + kSpanId + "-01-",
      "00--" + std::string(kTraceId).substr(1) + "-" + kSpanId + "-01",
      "00-" + std::string(kTraceId) + "-" + kSpanId + "--1",
      // Whitespace inside the value.
      "00-" + std::string(kTraceId) + " -" + std::string(kSpanId).substr(1) + "-01",
  };
  for (const std::string& header : cases) {
    EXPECT_EQ(ParseTraceparent(header), std::nullopt) << "'" << header << "'";
  }
}

TEST(FormatTraceparent, WritesVersion00) {
  EXPECT_EQ(FormatTraceparent({.trace_id = kTraceId, .span_id = kSpanId, .sampled = true}),
            Header("00", kTraceId, kSpanId, "01"));
  EXPECT_EQ(FormatTraceparent({.trace_id = kTraceId, .span_id = kSpanId, .sampled = false}),
            Header("00", kTraceId, kSpanId, "00"));
}

TEST(FormatTraceparent, RoundTripsThroughParse) {
  for (const bool sampled : {true, false}) {
    const SpanContext context{.trace_id = NewTraceId(), .span_id = NewSpanId(), .sampled = sampled};
    const std::string header = FormatTraceparent(context);
    const std::optional<SpanContext> parsed = ParseTraceparent(header);
    ASSERT_TRUE(parsed.has_value()) << header;
    EXPECT_EQ(parsed->trace_id, context.trace_id);
    EXPECT_EQ(parsed->span_id, context.span_id);
    EXPECT_EQ(parsed->sampled, sampled);
    EXPECT_EQ(FormatTraceparent(*parsed), header);
  }
}

TEST(FormatTraceparent, AnswersALaterVersionWithVersion00) {
  const std::optional<SpanContext> parsed =
      ParseTraceparent(Header("cc", kTraceId, kSpanId, "01") + "-future");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(FormatTraceparent(*parsed), Header("00", kTraceId, kSpanId, "01"));
}

bool IsLowerHex(const std::string& id) {
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST(NewIds, AreLowercaseHexOfTheRightLengthAndNeverZero) {
  for (int i = 0; i < 1000; ++i) {
    const std::string trace_id = NewTraceId();
    const std::string span_id = NewSpanId();
    ASSERT_EQ(trace_id.size(), 32u);
    ASSERT_EQ(span_id.size(), 16u);
    ASSERT_TRUE(IsLowerHex(trace_id)) << trace_id;
    ASSERT_TRUE(IsLowerHex(span_id)) << span_id;
    ASSERT_NE(trace_id, std::string(32, '0'));
    ASSERT_NE(span_id, std::string(16, '0'));
    // A generated pair always makes a valid header.
    ASSERT_TRUE(ParseTraceparent(FormatTraceparent({.trace_id = trace_id, .span_id = span_id})));
  }
}

TEST(NewIds, DoNotRepeatAcrossThreads) {
  // Each thread has its own generator; they must not share a seed.
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2000;
  std::vector<std::vector<std::string>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ids, t] {
      for (int i = 0; i < kPerThread; ++i) {
        ids[t].push_back(NewTraceId());
        ids[t].push_back(NewSpanId());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> unique;
  for (const auto& per_thread : ids) unique.insert(per_thread.begin(), per_thread.end());
  EXPECT_EQ(unique.size(), size_t{kThreads * kPerThread * 2});
}

TEST(NewIds, UseEveryHexDigitInEveryPosition) {
  // A cheap check that the digits are spread, not (say) only the low nibbles.
  std::vector<std::set<char>> seen(32);
  for (int i = 0; i < 2000; ++i) {
    const std::string id = NewTraceId();
    for (size_t p = 0; p < id.size(); ++p) seen[p].insert(id[p]);
  }
  for (size_t p = 0; p < seen.size(); ++p) EXPECT_EQ(seen[p].size(), 16u) << "position " << p;
}

TEST(UnixNanosNow, IsTheSystemClockInNanoseconds) {
  const auto nanos = [](std::chrono::system_clock::time_point time) {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(time.time_since_epoch()).count());
  };
  const uint64_t before = nanos(std::chrono::system_clock::now());
  const uint64_t now = UnixNanosNow();
  const uint64_t after = nanos(std::chrono::system_clock::now());
  EXPECT_LE(before, now);
  EXPECT_LE(now, after);
  EXPECT_GT(now, uint64_t{1'600'000'000} * 1'000'000'000);  // after September 2020
}

}  // namespace
}  // namespace vitrine::telemetry
