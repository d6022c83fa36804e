#include "tokenizer/special_tokens.h"

#include <algorithm>

namespace tessera::tokenizer {

SpecialTokenMatcher::SpecialTokenMatcher(const Vocabulary& vocabulary) {
  nodes_.emplace_back();  // root
  for (std::int32_t id = 0; id < vocabulary.size(); ++id) {
    const TokenType type = vocabulary.type(id);
    const bool user_defined = type == TokenType::kUserDefined;
    if (!user_defined && type != TokenType::kControl && type != TokenType::kUnknown) continue;
    const std::string& text = vocabulary.text(id);
    if (text.empty()) continue;
    std::int32_t node = 0;
    for (char character : text) node = add_child(node, static_cast<unsigned char>(character));
    Node& terminal = nodes_[static_cast<std::size_t>(node)];
    if (terminal.token != kNoToken) continue;  // duplicate text: the lowest id wins
    terminal.token = id;
    terminal.always = user_defined;
    const auto first = static_cast<unsigned char>(text.front());
    starts_[first] = true;
    if (user_defined) starts_always_[first] = true;
  }
}

std::int32_t SpecialTokenMatcher::child(std::int32_t node, unsigned char byte) const {
  const auto& children = nodes_[static_cast<std::size_t>(node)].children;
  const auto found = std::lower_bound(children.begin(), children.end(), byte,
                                      [](const auto& entry, unsigned char key) { return entry.first < key; });
  return found != children.end() && found->first == byte ? found->second : -1;
}

std::int32_t SpecialTokenMatcher::add_child(std::int32_t node, unsigned char byte) {
  const std::int32_t existing = child(node, byte);
  if (existing >= 0) return existing;
  const auto created = static_cast<std::int32_t>(nodes_.size());
  nodes_.emplace_back();
  auto& children = nodes_[static_cast<std::size_t>(node)].children;
  const auto position = std::lower_bound(children.begin(), children.end(), byte,
                                         [](const auto& entry, unsigned char key) { return entry.first < key; });
  children.insert(position, {byte, created});
  return created;
}

void SpecialTokenMatcher::partition(std::string_view text, bool parse_special,
                                    std::vector<TextFragment>& out) const {
  const bool* starts = parse_special ? starts_ : starts_always_;
  std::size_t raw_start = 0;
  std::size_t position = 0;
  while (position < text.size()) {
    if (!starts[static_cast<unsigned char>(text[position])]) {
      ++position;
      continue;
    }
    std::int32_t best_token = kNoToken;
    std::size_t best_end = position;
    std::int32_t node = 0;
    for (std::size_t index = position; index < text.size(); ++index) {
      node = child(node, static_cast<unsigned char>(text[index]));
      if (node < 0) break;
      const Node& current = nodes_[static_cast<std::size_t>(node)];
      if (current.token != kNoToken && (parse_special || current.always)) {
        best_token = current.token;
        best_end = index + 1;
      }
    }
    if (best_token == kNoToken) {
      ++position;
      continue;
    }
    if (position > raw_start) out.push_back({text.substr(raw_start, position - raw_start), kNoToken});
    out.push_back({{}, best_token});
    position = best_end;
    raw_start = best_end;
  }
  if (text.size() > raw_start) out.push_back({text.substr(raw_start), kNoToken});
}

}  // namespace tessera::tokenizer
