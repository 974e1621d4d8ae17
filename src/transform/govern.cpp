#include "transform/govern.h"

#include <cstring>
#include <optional>

#include "core/field_path.h"
#include "governance/detectors.h"
#include "governance/protect.h"

namespace sluice::transform {
namespace {

using governance::DataClass;

enum class Action { kTokenize, kEncrypt, kMask, kHash, kDrop, kAllow };

const std::vector<std::string>& action_names() {
  static const std::vector<std::string> names = {"tokenize", "encrypt", "mask",
                                                 "hash",     "drop",    "allow"};
  return names;
}

Action parse_action(const std::string& name) {
  for (size_t i = 0; i < action_names().size(); ++i) {
    if (action_names()[i] == name) return static_cast<Action>(i);
  }
  return Action::kAllow;  // unreachable: the option parser allows only the names above
}

bool needs_key(Action a) {
  return a == Action::kTokenize || a == Action::kEncrypt;
}

// The text an action protects: strings as they are, other scalars as JSON writes
// them (a card number sent as a number is still a card number).
std::optional<std::string_view> scalar_text(const Value& v, std::string* scratch) {
  switch (v.type()) {
    case ValueType::kString:
      return v.as_string();
    case ValueType::kInt:
      *scratch = std::to_string(v.as_int());
      return std::string_view(*scratch);
    case ValueType::kDouble:
      if (!v.big_integer_digits().empty()) return v.big_integer_digits();
      *scratch = std::to_string(v.as_double());
      return std::string_view(*scratch);
    default:
      return std::nullopt;
  }
}

struct FieldRule {
  FieldPath path;
  std::string text;  // as written, for messages
  Action action;
};

class GovernTransform final : public Transform {
 public:
  static Result<std::unique_ptr<Transform>> make(const BuildContext& ctx) {
    std::unique_ptr<GovernTransform> t(new GovernTransform(ctx));
    const OptionValues& o = ctx.options();
    bool key_needed = false;
    for (const auto& [path, action] : o.get_string_map("fields")) {
      auto parsed = FieldPath::parse(path.starts_with('.') ? path : "." + path);
      if (!parsed) return parsed.status().with_context("fields: " + path);
      t->fields_.push_back({*parsed, path, parse_action(action)});
      const auto& segments = t->fields_.back().path.segments();
      if (segments.size() != 1 || segments[0].is_index) t->top_level_only_ = false;
      key_needed = key_needed || needs_key(t->fields_.back().action);
    }
    for (const auto& [name, action] : o.get_string_map("classes")) {
      const auto c = governance::parse_data_class(name);
      if (!c) {
        return Status::invalid("classes: \"" + name +
                               "\" is not a class (public, internal, confidential, restricted)");
      }
      t->by_class_[static_cast<size_t>(*c)] = parse_action(action);
      key_needed = key_needed || needs_key(parse_action(action));
      t->detect_ = true;
    }
    const auto pattern_class = governance::parse_data_class(o.get_string("pattern_class"));
    for (const auto& [name, pattern] : o.get_string_map("patterns")) {
      if (Status s = t->detectors_.add_pattern(name, pattern, *pattern_class); !s.is_ok()) {
        return s.with_context("patterns");
      }
    }
    if (key_needed) {
      if (Status s = t->load_key(o); !s.is_ok()) return s;
    }
    return std::unique_ptr<Transform>(std::move(t));
  }

  void process(const Batch& in, TransformOutputs& out) override {
    Batch& kept = out.main();
    Arena& arena = kept.arena();
    for (const Event& event : in.events) {
      error_.clear();
      Value fields = event.fields;
      bool ok = true;
      if (top_level_only_) {
        ok = apply_top_level(fields, arena);
      } else {
        ok = apply_paths(fields, arena);
      }
      if (ok && detect_) {
        path_.clear();
        std::optional<Value> walked = walk(fields, arena);
        if (walked) {
          fields = *walked;
        } else {
          ok = false;
        }
      }
      if (!ok) {
        out.dead_letter(event, error_);
        continue;
      }
      Event governed = event;
      governed.fields = fields;
      kept.events.push_back(governed);
    }
    stats_.add_in(in.size());
    stats_.add_out(kept.size());
    stats_.notes.set("", std::to_string(protected_) + " values protected, " +
                             std::to_string(dropped_) + " dropped");
  }

 private:
  // Field rules on top-level fields only (the usual case): one pass over the
  // event's fields, one new object, instead of a copy per rule.
  bool apply_top_level(Value& fields, Arena& arena) {
    if (!fields.is_object()) return true;
    const auto all = fields.as_object();
    std::optional<ObjectBuilder> rebuilt;
    for (size_t i = 0; i < all.size(); ++i) {
      const FieldRule* rule = nullptr;
      for (const FieldRule& r : fields_) {
        if (r.path.segments()[0].field == all[i].name) rule = &r;
      }
      if (rule == nullptr || rule->action == Action::kAllow) {
        if (rebuilt) rebuilt->append_unique(all[i].name, all[i].value);
        continue;
      }
      if (!rebuilt) {
        rebuilt.emplace(arena, static_cast<uint32_t>(all.size()));
        for (size_t j = 0; j < i; ++j) rebuilt->append_unique(all[j].name, all[j].value);
      }
      if (rule->action == Action::kDrop) {
        ++dropped_;
        continue;
      }
      std::optional<Value> protected_value = protect(all[i].value, rule->action, arena);
      if (!protected_value) {
        error_ = "field " + rule->text + ": " + error_;
        return false;
      }
      rebuilt->append_unique(all[i].name, *protected_value);
    }
    if (rebuilt) fields = rebuilt->finish();
    return true;
  }

  bool apply_paths(Value& fields, Arena& arena) {
    bool ok = true;
    for (const FieldRule& rule : fields_) {
      const Value* v = lookup(fields, rule.path);
      if (!v || rule.action == Action::kAllow) continue;
      if (rule.action == Action::kDrop) {
        bool removed = false;
        fields = remove_path(arena, fields, rule.path, &removed);
        ++dropped_;
        continue;
      }
      std::optional<Value> protected_value = protect(*v, rule.action, arena);
      if (!protected_value) {
        error_ = "field " + rule.text + ": " + error_;
        ok = false;
        break;
      }
      auto updated = set_path(arena, fields, rule.path, *protected_value);
      if (!updated) {
        error_ = "field " + rule.text + ": " + updated.status().message();
        ok = false;
        break;
      }
      fields = *updated;
    }
    return ok;
  }

  explicit GovernTransform(const BuildContext& ctx)
      : stats_(ctx.stats),
        detectors_(governance::Detectors::builtin()),
        mask_keep_(static_cast<size_t>(ctx.options().get_int("mask_keep"))) {}

  Status load_key(const OptionValues& o) {
    log::KeyRing ring;
    const std::string env = o.get_string("key_env");
    if (o.get_bool("create_key") && !o.get_string("key_file").empty()) {
      SLUICE_RETURN_IF_ERROR(log::create_key_file_if_missing(
          o.get_string("key_file"), o.get_string("key_id").empty() ? "k1" : o.get_string("key_id"),
          "govern tokens"));
    }
    SLUICE_RETURN_IF_ERROR(ring.load(o.get_string("key_file"), env));
    if (ring.empty()) {
      return Status::invalid(
          "tokenize and encrypt need a key: set key_file or $" + env +
          " (`<id> <64 hex digits>` per line; `openssl rand -hex 32` makes one)");
    }
    std::string id = o.get_string("key_id");
    if (id.empty()) {
      if (ring.ids().size() > 1) {
        return Status::invalid("several keys (" + std::to_string(ring.ids().size()) +
                               "): name the one new tokens use with key_id");
      }
      id = ring.ids().front();
    }
    const log::Key256* key = ring.find(id);
    if (!key) return Status::invalid("key_id \"" + id + "\" is not among the keys loaded");
    auto tokenizer = governance::Tokenizer::create(id, *key);
    if (!tokenizer) return tokenizer.status();
    tokenizer_ = std::move(*tokenizer);
    return Status::ok();
  }

  // The protected form of `v`, or nullopt with error_ set.
  std::optional<Value> protect(const Value& v, Action action, Arena& arena) {
    const std::optional<std::string_view> text = scalar_text(v, &scratch_);
    if (!text) {
      error_ = std::string("cannot ") + action_names()[static_cast<size_t>(action)] +
               " a value that is not text or a number";
      return std::nullopt;
    }
    if (governance::is_protected_text(*text)) return v;  // governed already
    buffer_.clear();
    switch (action) {
      case Action::kTokenize:
        tokenizer_->tokenize(*text, &buffer_);
        break;
      case Action::kEncrypt:
        if (Status s = tokenizer_->encrypt(*text, &buffer_); !s.is_ok()) {
          error_ = s.message();
          return std::nullopt;
        }
        break;
      case Action::kMask:
        governance::mask_value(*text, mask_keep_, &buffer_);
        break;
      case Action::kHash:
        governance::hash_value(*text, &buffer_);
        break;
      case Action::kDrop:
      case Action::kAllow:
        return v;
    }
    ++protected_;
    return Value::string(arena.copy_string(buffer_));
  }

  // Detection over every value not named in `fields`; nullopt (error_ set) when an
  // action fails, else the value, rebuilt only where something changed.
  std::optional<Value> walk(const Value& v, Arena& arena) {
    if (v.is_object()) {
      const auto fields = v.as_object();
      std::optional<ObjectBuilder> rebuilt;
      for (size_t i = 0; i < fields.size(); ++i) {
        path_.push_back(fields[i].name);
        const bool ruled = has_rule(path_);
        std::optional<Value> next =
            ruled ? std::optional<Value>(fields[i].value) : walk(fields[i].value, arena);
        path_.pop_back();
        if (!next) return std::nullopt;
        const bool drop =
            next->type() == ValueType::kNull && fields[i].value.type() != ValueType::kNull;
        const bool changed = drop || !(identical(*next, fields[i].value));
        if (changed && !rebuilt) {
          rebuilt.emplace(arena, static_cast<uint32_t>(fields.size()));
          for (size_t j = 0; j < i; ++j) rebuilt->append_unique(fields[j].name, fields[j].value);
        }
        if (rebuilt && !drop) rebuilt->append_unique(fields[i].name, *next);
      }
      return rebuilt ? rebuilt->finish() : v;
    }
    if (v.is_array()) {
      const auto items = v.as_array();
      Value* copy = nullptr;
      for (size_t i = 0; i < items.size(); ++i) {
        std::optional<Value> next = walk(items[i], arena);
        if (!next) return std::nullopt;
        if (!copy && !identical(*next, items[i])) {
          copy = static_cast<Value*>(arena.allocate(sizeof(Value) * items.size(), alignof(Value)));
          for (size_t j = 0; j < items.size(); ++j) copy[j] = items[j];
        }
        if (copy) copy[i] = *next;
      }
      return copy ? Value::array(copy, static_cast<uint32_t>(items.size())) : v;
    }
    std::optional<std::string_view> text = scalar_text(v, &scratch_);
    // Numbers shorter than a card or an ID are counts and codes, not personal data.
    if (!text || (!v.is_string() && text->size() < 13)) return v;
    const std::optional<governance::Detection> found = detectors_.detect(*text);
    if (!found) return v;
    const std::optional<Action> action = by_class_[static_cast<size_t>(found->data_class)];
    if (!action || *action == Action::kAllow) return v;
    if (*action == Action::kDrop) {
      ++dropped_;
      return Value::null();  // removed by the caller (an array keeps a null in its place)
    }
    std::optional<Value> p = protect(v, *action, arena);
    if (!p) error_ = std::string(found->detector) + " value: " + error_;
    return p;
  }

  // The same value object (no copy made), or equal scalars.
  static bool identical(const Value& a, const Value& b) {
    if (a.type() != b.type()) return false;
    if (a.is_object() || a.is_array()) return std::memcmp(&a, &b, sizeof(Value)) == 0;
    return a == b;
  }

  bool has_rule(const std::vector<FieldId>& path) const {
    for (const FieldRule& r : fields_) {
      const auto& segments = r.path.segments();
      if (segments.size() != path.size()) continue;
      bool same = true;
      for (size_t i = 0; i < path.size() && same; ++i)
        same = !segments[i].is_index && segments[i].field == path[i];
      if (same) return true;
    }
    return false;
  }

  observe::ComponentStats& stats_;
  governance::Detectors detectors_;
  size_t mask_keep_;
  std::vector<FieldRule> fields_;
  std::optional<Action> by_class_[4];
  bool detect_ = false;
  bool top_level_only_ = true;  // every field rule names a top-level field
  std::unique_ptr<governance::Tokenizer> tokenizer_;
  std::vector<FieldId> path_;
  std::string error_, scratch_, buffer_;
  uint64_t protected_ = 0, dropped_ = 0;
};

// What `sluice validate` can tell from the file alone: unknown classes, patterns RE2
// refuses, field paths that do not parse.
std::vector<std::pair<std::string, std::string>> check_govern_options(const OptionValues& o) {
  std::vector<std::pair<std::string, std::string>> problems;
  if (o.has("classes")) {
    for (const auto& [name, action] : o.get_string_map("classes")) {
      if (!governance::parse_data_class(name)) {
        problems.emplace_back(
            "classes",
            "\"" + name + "\" is not a class: public, internal, confidential or restricted");
      }
    }
  }
  if (o.has("patterns")) {
    governance::Detectors probe;
    for (const auto& [name, pattern] : o.get_string_map("patterns")) {
      if (Status s = probe.add_pattern(name, pattern, DataClass::kConfidential); !s.is_ok()) {
        problems.emplace_back("patterns", s.message());
      }
    }
  }
  if (o.has("fields")) {
    for (const auto& [path, action] : o.get_string_map("fields")) {
      if (auto parsed = FieldPath::parse(path.starts_with('.') ? path : "." + path); !parsed) {
        problems.emplace_back("fields", path + ": " + parsed.status().message());
      }
    }
  }
  return problems;
}

}  // namespace

TransformType govern_transform_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kTransform;
  spec.type = "govern";
  spec.summary =
      "Protects sensitive values: tokenize, encrypt, mask, hash or drop them, per field or per "
      "detected class.";
  spec.options = {
      OptionSpec::optional(
          "fields", OptionType::kStringMap, "",
          "Field → action (tokenize, encrypt, mask, hash, drop, allow), e.g. {email: tokenize}.")
          .one_of(action_names()),
      OptionSpec::optional(
          "classes", OptionType::kStringMap, "",
          "Class → action for values the detectors recognise in every other field, e.g. "
          "{restricted: drop, confidential: tokenize}.")
          .one_of(action_names()),
      OptionSpec::optional(
          "patterns", OptionType::kStringMap, "",
          "User-defined detectors: name → RE2 pattern that must match a whole value."),
      OptionSpec::optional("pattern_class", OptionType::kEnum, "confidential",
                           "The class of values the patterns find.")
          .one_of({"public", "internal", "confidential", "restricted"}),
      OptionSpec::optional("mask_keep", OptionType::kInt, "4",
                           "mask: how many trailing characters stay visible.")
          .between(0, 64),
      OptionSpec::optional(
          "key_file", OptionType::kString, "",
          "Keys for tokenize and encrypt, one `<id> <64 hex digits>` per line; must be mode 0600."),
      OptionSpec::optional(
          "create_key", OptionType::kBool, "false",
          "When key_file does not exist, create it with one new random key (mode 0600): "
          "for first runs and demos."),
      OptionSpec::optional("key_env", OptionType::kString, "SLUICE_GOVERN_KEYS",
                           "Environment variable holding keys as `<id>:<hex>[,<id>:<hex>...]`."),
      OptionSpec::optional("key_id", OptionType::kString, "",
                           "The key new tokens and encrypted values use (old ones name theirs); "
                           "empty: the only key."),
  };
  spec.check_options = check_govern_options;
  // Only the field rules can be known before data moves: what the class rules act
  // on depends on what the detectors find at run time.
  spec.field_flow = [](const OptionValues& o, const std::string&, FieldFlow& flow) {
    if (!o.has("fields")) return;
    for (const auto& [path, action] : o.get_string_map("fields")) {
      auto parsed = FieldPath::parse(path.starts_with('.') ? path : "." + path);
      if (parsed) flow.protect(*parsed, action);
    }
  };
  return TransformType{std::move(spec),
                       [](const BuildContext& ctx) { return GovernTransform::make(ctx); }};
}

}  // namespace sluice::transform
