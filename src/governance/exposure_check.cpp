#include "governance/exposure_check.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/config/graph_check.h"
#include "core/suggest.h"
#include "governance/data_class.h"

namespace sluice::governance {
namespace {

const std::vector<std::string> kClassNames = {"public", "internal", "confidential", "restricted"};

// `a` is `b` or one of its ancestors.
bool covers(const FieldPath& a, const FieldPath& b) {
  const auto& x = a.segments();
  const auto& y = b.segments();
  return x.size() <= y.size() && std::equal(x.begin(), x.end(), y.begin());
}

FieldPath rebase(const FieldPath& path, const FieldPath& from, const FieldPath& to) {
  std::vector<PathSegment> segments = to.segments();
  segments.insert(segments.end(),
                  path.segments().begin() + static_cast<long>(from.segments().size()),
                  path.segments().end());
  return FieldPath(std::move(segments));
}

std::string field_text(const FieldPath& path) {
  std::string text = path.to_string();
  return text.starts_with('.') ? text.substr(1) : text;
}

// A classified field on one output: its class, why it has it, and the components it passed.
struct Tracked {
  FieldPath path;
  DataClass data_class = DataClass::kPublic;
  std::string story;
  std::vector<std::string> route;
};

// What one output of a component holds, as far as classes go. `rest` stands for
// every field no entry covers.
struct FieldState {
  std::vector<Tracked> fields;
  Tracked rest;

  // The highest class `path` may hold: entries on it, above it or inside it, else
  // the rest's. Root: the whole event.
  const Tracked* class_of(const FieldPath& path) const {
    const Tracked* best = nullptr;
    bool covered = false;
    for (const Tracked& t : fields) {
      const bool above = covers(t.path, path);
      covered = covered || above;
      if ((above || covers(path, t.path)) && (best == nullptr || t.data_class > best->data_class))
        best = &t;
    }
    if (!covered && (best == nullptr || rest.data_class > best->data_class)) best = &rest;
    return best;
  }

  void remove_under(const FieldPath& path) {
    std::erase_if(fields, [&](const Tracked& t) { return covers(path, t.path); });
  }

  void merge(const FieldState& other) {
    for (const Tracked& t : other.fields) {
      auto same = std::find_if(fields.begin(), fields.end(),
                               [&](const Tracked& x) { return x.path == t.path; });
      if (same == fields.end()) {
        fields.push_back(t);
      } else if (t.data_class > same->data_class) {
        *same = t;
      }
    }
    if (other.rest.data_class > rest.data_class) rest = other.rest;
  }

  void pass(const std::string& component) {
    for (Tracked& t : fields) t.route.push_back(component);
    rest.route.push_back(component);
  }
};

// Applies a transform's field_flow to a state.
class StateFlow final : public FieldFlow {
 public:
  StateFlow(FieldState& state, const std::string& component)
      : state_(state), component_(component) {}

  void rename(const FieldPath& from, const FieldPath& to) override {
    // A field moved out of a classified object takes the object's class along.
    std::optional<Tracked> from_inside;
    for (const Tracked& t : state_.fields) {
      if (t.path != from && covers(t.path, from) &&
          (!from_inside || t.data_class > from_inside->data_class)) {
        from_inside = t;
      }
    }
    state_.remove_under(to);
    for (Tracked& t : state_.fields) {
      if (!covers(from, t.path)) continue;
      t.path = rebase(t.path, from, to);
      t.story += "; renamed to " + field_text(t.path) + " by \"" + component_ + "\"";
    }
    if (from_inside) {
      from_inside->story +=
          "; " + field_text(from) + " renamed to " + field_text(to) + " by \"" + component_ + "\"";
      from_inside->path = to;
      state_.fields.push_back(std::move(*from_inside));
    }
  }

  void remove(const FieldPath& path) override { state_.remove_under(path); }

  void derive(const FieldPath& target, const std::vector<FieldPath>& sources,
              std::string_view how) override {
    const Tracked* cause = source_class(sources);
    std::optional<Tracked> derived;
    if (cause != nullptr && cause->data_class > DataClass::kPublic) {
      derived = *cause;
      derived->path = target;
      derived->story = field_text(target) + " = " + std::string(how) + " (\"" + component_ +
                       "\"), from " + cause->story;
    }
    state_.remove_under(target);
    if (derived) state_.fields.push_back(std::move(*derived));
  }

  void derive_everything(const std::vector<FieldPath>& sources, std::string_view how) override {
    const Tracked* found = source_class(sources);
    if (found == nullptr || found->data_class == DataClass::kPublic) return;
    const Tracked cause = *found;
    auto raise = [&](Tracked& t) {
      if (t.data_class >= cause.data_class) return;
      t.data_class = cause.data_class;
      t.route = cause.route;
      t.story = std::string(how) + " in \"" + component_ + "\", from " + cause.story;
    };
    for (Tracked& t : state_.fields) raise(t);
    raise(state_.rest);
  }

  void start_new_event() override {
    input_ = state_;
    state_.fields.clear();
    state_.rest.data_class = DataClass::kPublic;
    state_.rest.story.clear();
  }

  void protect(const FieldPath& path, std::string_view action) override {
    if (action == "allow") return;
    if (action == "drop") {
      state_.remove_under(path);
      return;
    }
    bool inside = false;
    for (Tracked& t : state_.fields) {
      if (!covers(path, t.path)) continue;
      inside = inside || t.path == path;
      if (t.data_class <= DataClass::kInternal) continue;
      t.data_class = DataClass::kInternal;
      t.story += "; " + std::string(action) + "d by \"" + component_ + "\"";
    }
    // An undeclared field of a schema whose default is above internal.
    if (!inside && state_.class_of(path) == &state_.rest &&
        state_.rest.data_class > DataClass::kInternal) {
      Tracked t = state_.rest;
      t.path = path;
      t.data_class = DataClass::kInternal;
      t.story += "; " + std::string(action) + "d by \"" + component_ + "\"";
      state_.fields.push_back(std::move(t));
    }
  }

 private:
  const FieldState& current() const { return input_ ? *input_ : state_; }

  // The highest class among `sources` in what the transform reads.
  const Tracked* source_class(const std::vector<FieldPath>& sources) {
    const FieldState& in = current();
    const Tracked* best = nullptr;
    for (const FieldPath& p : sources) {
      const Tracked* t = nullptr;
      if (p.is_root()) {
        t = &in.rest;
        for (const Tracked& f : in.fields) {
          if (f.data_class > t->data_class) t = &f;
        }
      } else {
        t = in.class_of(p);
      }
      if (t != nullptr && (best == nullptr || t->data_class > best->data_class)) best = t;
    }
    if (best == nullptr) return nullptr;
    scratch_ = *best;  // the state may change under the pointer
    return &scratch_;
  }

  FieldState& state_;
  std::optional<FieldState> input_;
  Tracked scratch_;
  const std::string& component_;
};

class ExposureCheck {
 public:
  ExposureCheck(const PipelineConfig& config, Diagnostics& diagnostics)
      : config_(config), diagnostics_(diagnostics) {}

  bool check_names() {
    const size_t before = diagnostics_.size();
    for (const SchemaConfig& schema : config_.schemas) {
      for (const SchemaField& f : schema.fields)
        check_class(f.data_class, f.where, "schema \"" + schema.name + "\": field " + f.path);
      if (!schema.default_class.empty()) {
        check_class(schema.default_class, schema.default_where,
                    "schema \"" + schema.name + "\": default");
      }
    }
    std::vector<std::string> schema_names;
    for (const SchemaConfig& s : config_.schemas) schema_names.push_back(s.name);
    for (const ComponentConfig& c : config_.components) {
      if (!c.schema.empty() && config_.find_schema(c.schema) == nullptr) {
        diagnostics_.error(c.schema_where,
                           "source \"" + c.name + "\": schema \"" + c.schema + "\" is not defined" +
                               did_you_mean(c.schema, schema_names),
                           schema_names.empty() ? "define it under schemas: at the top of the file"
                                                : "schemas defined: " + join(schema_names));
      }
      for (const std::string& a : c.accepts)
        check_class(a, c.accepts_where, "sink \"" + c.name + "\": accepts");
    }
    return diagnostics_.size() == before;
  }

  void check_flows() {
    for (const ComponentConfig& c : config_.components) {
      if (c.kind != ComponentKind::kSink || c.accepts.empty()) continue;
      DataClass clearance = DataClass::kPublic;
      for (const std::string& a : c.accepts) clearance = std::max(clearance, *parse_data_class(a));
      FieldState in = input_state(c);
      in.pass(c.name);
      std::vector<const Tracked*> leaks;
      for (const Tracked& t : in.fields) {
        if (t.data_class > clearance) leaks.push_back(&t);
      }
      if (in.rest.data_class > clearance) leaks.push_back(&in.rest);
      for (const Tracked* t : leaks) report(c, clearance, *t, t == &in.rest);
    }
  }

 private:
  void check_class(const std::string& name, const SourceLocation& where,
                   const std::string& subject) {
    if (parse_data_class(name)) return;
    diagnostics_.error(
        where, subject + ": \"" + name + "\" is not a class" + did_you_mean(name, kClassNames),
        "the classes, least sensitive first: public, internal, confidential, restricted");
  }

  void report(const ComponentConfig& sink, DataClass clearance, const Tracked& t, bool rest) {
    const std::string cls = data_class_name(t.data_class);
    const std::string field =
        rest ? "every field the schema does not name" : "field " + field_text(t.path);
    std::string accepted;
    for (DataClass c = DataClass::kPublic; c <= clearance;
         c = static_cast<DataClass>(static_cast<int>(c) + 1)) {
      accepted += (accepted.empty() ? "" : ", ") + std::string(data_class_name(c));
      if (c == DataClass::kRestricted) break;
    }
    std::string route;
    for (const std::string& r : t.route) route += (route.empty() ? "" : " → ") + r;
    const std::string protect_hint =
        rest ? "name the fields in the schema, or lower its default:"
             : "protect it on the way (a govern transform with fields: {" + field_text(t.path) +
                   ": tokenize}, or encrypt, mask, hash, drop) or delete it in a remap";
    diagnostics_.error(sink.accepts_where.line ? sink.accepts_where : sink.location,
                       "sink \"" + sink.name + "\": " + field + " (" + cls +
                           ") reaches it, but it accepts only " + accepted + "\n  path: " + route +
                           "\n  why " + cls + ": " + t.story,
                       protect_hint + "; or add " + cls + " to accepts: if \"" + sink.name +
                           "\" is cleared to hold it");
  }

  // The merged state of every input of `c`.
  FieldState input_state(const ComponentConfig& c) {
    FieldState merged;
    for (const InputRef& input : c.inputs) merged.merge(output_state(input.component, input.port));
    return merged;
  }

  const FieldState& output_state(const std::string& component, const std::string& port) {
    const auto key = std::make_pair(component, port);
    if (auto done = memo_.find(key); done != memo_.end()) return done->second;
    const ComponentConfig& c = *config_.find(component);
    FieldState state;
    if (c.kind == ComponentKind::kSource) {
      state = source_state(c);
    } else {
      state = input_state(c);
      const bool passes_input = port == "dead_letter" || c.kind == ComponentKind::kSink;
      if (!passes_input && c.spec != nullptr && c.spec->field_flow) {
        StateFlow flow(state, c.name);
        c.spec->field_flow(c.options, port, flow);
      }
      state.pass(port.empty() ? c.name : c.name + "." + port);
    }
    return memo_.emplace(key, std::move(state)).first->second;
  }

  FieldState source_state(const ComponentConfig& source) {
    FieldState state;
    state.rest.route = {source.name};
    const SchemaConfig* schema =
        source.schema.empty() ? nullptr : config_.find_schema(source.schema);
    if (schema == nullptr) return state;
    const std::string in_schema =
        " in schema \"" + schema->name + "\" (source \"" + source.name + "\")";
    if (!schema->default_class.empty()) {
      state.rest.data_class = *parse_data_class(schema->default_class);
      state.rest.story =
          "the default: of schema \"" + schema->name + "\" (source \"" + source.name + "\")";
    }
    for (const SchemaField& f : schema->fields) {
      auto path = FieldPath::parse(f.path.starts_with('.') ? f.path : "." + f.path);
      Tracked t;
      t.path = *path;
      t.data_class = *parse_data_class(f.data_class);
      t.story = f.path + ": " + f.data_class + in_schema;
      t.route = {source.name};
      state.fields.push_back(std::move(t));
    }
    return state;
  }

  static std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& w : words) out += (out.empty() ? "" : ", ") + w;
    return out;
  }

  const PipelineConfig& config_;
  Diagnostics& diagnostics_;
  std::map<std::pair<std::string, std::string>, FieldState> memo_;
};

}  // namespace

void check_exposure(const PipelineConfig& config, Diagnostics& diagnostics, bool graph_ok) {
  ExposureCheck check(config, diagnostics);
  // Flows are traced through what each component does to fields, which is not known for a
  // component whose options did not load (already reported): guessing would pile on.
  const bool all_loaded = std::none_of(config.components.begin(), config.components.end(),
                                       [](const ComponentConfig& c) { return c.options_failed; });
  if (check.check_names() && graph_ok && all_loaded) check.check_flows();
}

}  // namespace sluice::governance
