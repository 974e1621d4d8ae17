#include "transform/parse.h"

#include <re2/re2.h>

#include "format/json_reader.h"

namespace sluice::transform {
namespace {

RE2::Options regex_options() {
  RE2::Options o;
  o.set_log_errors(false);
  return o;
}

// logfmt: `key=value key="quoted \"value\"" flag`. Bare keys are true; values are
// strings (logfmt has no types). False with *error on a malformed line.
bool parse_logfmt(std::string_view text, Arena& arena, ObjectBuilder& out, std::string* error) {
  size_t i = 0;
  const size_t n = text.size();
  std::string value;
  while (i < n) {
    while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
    if (i >= n) break;
    const size_t key_start = i;
    while (i < n && text[i] != '=' && text[i] != ' ' && text[i] != '\t' && text[i] != '"') ++i;
    if (i == key_start) {
      *error = "logfmt: expected a key at byte " + std::to_string(i);
      return false;
    }
    const std::string_view key = text.substr(key_start, i - key_start);
    const FieldId id = FieldNames::intern(key);
    if (id == kInvalidFieldId) {
      *error = "logfmt: key too long at byte " + std::to_string(key_start);
      return false;
    }
    if (i >= n || text[i] != '=') {
      out.set(id, Value::boolean(true));
      continue;
    }
    ++i;  // '='
    if (i < n && text[i] == '"') {
      value.clear();
      ++i;
      bool closed = false;
      while (i < n) {
        const char c = text[i++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\' && i < n) {
          const char e = text[i++];
          value += e == 'n' ? '\n' : e == 't' ? '\t' : e;
        } else {
          value += c;
        }
      }
      if (!closed) {
        *error = "logfmt: unterminated quote after key \"" + std::string(key) + "\"";
        return false;
      }
      out.set(id, Value::string(arena.copy_string(value)));
    } else {
      const size_t value_start = i;
      while (i < n && text[i] != ' ' && text[i] != '\t') ++i;
      out.set(id, Value::string(arena.copy_string(text.substr(value_start, i - value_start))));
    }
  }
  return true;
}

class ParseTransform final : public Transform {
 public:
  explicit ParseTransform(const BuildContext& ctx)
      : field_(ctx.options().get_paths("field").front()),
        target_(ctx.options().get_paths("target").empty()
                    ? FieldPath()
                    : ctx.options().get_paths("target").front()),
        drop_field_(ctx.options().get_bool("drop_field")),
        format_(ctx.options().get_string("format")),
        stats_(ctx.stats) {
    if (format_ == "regex") {
      regex_ = std::make_unique<RE2>(ctx.options().get_string("pattern"), regex_options());
      for (const auto& [name, index] : regex_->NamedCapturingGroups()) {
        groups_.resize(std::max<size_t>(groups_.size(), static_cast<size_t>(index) + 1),
                       kInvalidFieldId);
        groups_[static_cast<size_t>(index)] = FieldNames::intern(name);
      }
      matches_.resize(static_cast<size_t>(regex_->NumberOfCapturingGroups()) + 1);
    }
  }

  void process(const Batch& in, TransformOutputs& out) override {
    Batch& result = out.main();
    Arena& arena = result.arena();
    for (const Event& event : in.events) {
      const Value* source = lookup(event.fields, field_);
      if (source == nullptr || source->is_null()) {
        out.dead_letter(event, "parse: no field " + field_.to_string());
        continue;
      }
      if (!source->is_string()) {
        out.dead_letter(event, "parse: " + field_.to_string() + " is not a string");
        continue;
      }
      Value parsed;
      if (!parse(source->as_string(), arena, &parsed)) {
        out.dead_letter(event, "parse: " + field_.to_string() + ": " + error_);
        continue;
      }
      Value fields = event.fields;
      if (drop_field_) {
        bool removed = false;
        fields = remove_path(arena, fields, field_, &removed);
      }
      if (!place(arena, parsed, &fields)) {
        out.dead_letter(event, "parse: " + error_);
        continue;
      }
      result.events.push_back(Event{fields, event.time_us, event.offset});
    }
    stats_.add_in(in.size());
    stats_.add_out(result.size());
  }

 private:
  bool parse(std::string_view text, Arena& arena, Value* out) {
    if (format_ == "json") {
      const Status s = json_.read_value(text, arena, out);
      if (!s.is_ok()) {
        error_ = s.message();
        return false;
      }
      if (target_.is_root() && !out->is_object()) {
        error_ =
            "JSON is not an object, and only an object can be merged into the event (set target:)";
        return false;
      }
      return true;
    }
    ObjectBuilder b(arena, 8);
    if (format_ == "logfmt") {
      if (!parse_logfmt(text, arena, b, &error_)) return false;
    } else {
      std::vector<re2::StringPiece>& m = matches_;
      if (!regex_->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                         RE2::UNANCHORED, m.data(), static_cast<int>(m.size()))) {
        error_ = "does not match the pattern";
        return false;
      }
      for (size_t g = 1; g < groups_.size(); ++g) {
        if (groups_[g] == kInvalidFieldId || m[g].data() == nullptr)
          continue;  // unnamed, or did not take part
        b.set(groups_[g],
              Value::string(arena.copy_string(std::string_view(m[g].data(), m[g].size()))));
      }
    }
    *out = b.finish();
    return true;
  }

  // At the target path, or merged into the event (parsed fields replace fields of the same name).
  bool place(Arena& arena, const Value& parsed, Value* fields) {
    if (!target_.is_root()) {
      auto updated = set_path(arena, *fields, target_, parsed);
      if (!updated) {
        error_ = updated.status().message();
        return false;
      }
      *fields = *updated;
      return true;
    }
    ObjectBuilder merged(arena, fields->size() + parsed.size());
    for (const Field& f : fields->as_object()) merged.append_unique(f.name, f.value);
    for (const Field& f : parsed.as_object()) merged.set(f.name, f.value);
    *fields = merged.finish();
    return true;
  }

  FieldPath field_, target_;
  bool drop_field_;
  std::string format_;
  observe::ComponentStats& stats_;
  format::JsonReader json_;
  std::unique_ptr<RE2> regex_;
  std::vector<FieldId> groups_;  // capture group index → field (kInvalidFieldId: unnamed)
  std::vector<re2::StringPiece> matches_;
  std::string error_;
};

std::vector<std::pair<std::string, std::string>> check_parse_options(const OptionValues& o) {
  std::vector<std::pair<std::string, std::string>> problems;
  // An option that is missing or did not parse is reported already: nothing to check here.
  if (o.has("field") && o.get_paths("field").size() != 1)
    problems.emplace_back("field", "name exactly one field, e.g. .message");
  if (o.has("target") && o.get_paths("target").size() > 1)
    problems.emplace_back("target", "name at most one field");
  if (!o.has("format") || !o.has("pattern")) return problems;
  const std::string& pattern = o.get_string("pattern");
  if (o.get_string("format") == "regex") {
    RE2 re(pattern, regex_options());
    if (pattern.empty()) {
      problems.emplace_back("format",
                            "format regex needs a pattern with named groups, e.g. (?P<level>\\w+)");
    } else if (!re.ok()) {
      problems.emplace_back("pattern", "invalid regular expression: " + re.error());
    } else if (re.NamedCapturingGroups().empty()) {
      problems.emplace_back("pattern", "has no named group; name what to keep: (?P<name>...)");
    }
  } else if (!pattern.empty()) {
    problems.emplace_back("pattern", "is for format: regex");
  }
  return problems;
}

}  // namespace

TransformType parse_transform_type() {
  ComponentSpec spec;
  spec.kind = ComponentKind::kTransform;
  spec.type = "parse";
  spec.summary = "Parses a string field as JSON, logfmt or a regular expression with named groups.";
  spec.options = {
      OptionSpec::required_option("field", OptionType::kPathList,
                                  "The string field to parse, e.g. .message."),
      OptionSpec::optional("format", OptionType::kEnum, "json", "How the field is written.")
          .one_of({"json", "logfmt", "regex"}),
      OptionSpec::optional("pattern", OptionType::kString, "",
                           "format regex: an RE2 pattern whose named groups become fields, e.g. "
                           "`^(?P<ip>\\S+) (?P<method>[A-Z]+)`."),
      OptionSpec::optional(
          "target", OptionType::kPathList, "",
          "Where the parsed fields go, e.g. .parsed; none: merged into the event."),
      OptionSpec::optional("drop_field", OptionType::kBool, "false",
                           "Remove the parsed field afterwards."),
  };
  spec.check_options = check_parse_options;
  // What the parsed text held is as sensitive as the text.
  spec.field_flow = [](const OptionValues& o, const std::string&, FieldFlow& flow) {
    if (!o.has("field") || o.get_paths("field").empty()) return;
    const FieldPath& field = o.get_paths("field").front();
    const std::string how = "parsed from " + field.to_string();
    const bool to_root = !o.has("target") || o.get_paths("target").empty() ||
                         o.get_paths("target").front().is_root();
    if (to_root) {
      flow.derive_everything({field}, how);
    } else {
      flow.derive(o.get_paths("target").front(), {field}, how);
    }
    if (o.get_bool("drop_field")) flow.remove(field);
  };
  return TransformType{std::move(spec),
                       [](const BuildContext& ctx) -> Result<std::unique_ptr<Transform>> {
                         return std::unique_ptr<Transform>(std::make_unique<ParseTransform>(ctx));
                       }};
}

}  // namespace sluice::transform
