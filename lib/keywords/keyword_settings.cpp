#include "keywords/keyword_settings.h"

#include <algorithm>

#include "config/dataset_config.h"
#include "keywords/keywords_section.h"
#include "text/wordnet.h"

namespace pix {

void AddKeywordFlags(ToolCli& cli, KeywordFlags* f) {
  f->app = &cli.app();
  cli.AddConfig(&f->config);
  AddNetworkFlags(cli, &f->network, HttpOptions{});
  CLI::App& app = cli.app();
  app.add_option("-k,--keyword", f->keywords,
                 "Expand this label instead of reading records; repeatable")
      ->type_name("LABEL");
  app.add_option("--template", f->templates,
                 "Query pattern with {label}, replacing the default set; repeatable")
      ->type_name("PATTERN");
  app.add_flag("--no-templates", f->no_templates, "Write no template queries");
  app.add_flag("--no-label", f->no_label, "Do not write the label itself as a query");
  app.add_option("--negative", f->negatives, "Exclude TERM from every label's queries; repeatable")
      ->type_name("TERM");
  app.add_option("--max-queries-per-label", f->max_queries,
                 "Write at most N queries per label (0: all)")
      ->type_name("N")
      ->capture_default_str();
  app.add_flag("--wordnet", f->wordnet, "Add WordNet synonyms and hyponyms of each label");
  app.add_option("--wordnet-depth", f->depth,
                 "Hyponym levels to follow (0: synonyms only); implies --wordnet")
      ->type_name("N")
      ->check(Quiet(CLI::Range(0, 20)))
      ->capture_default_str();
  app.add_option("--wordnet-sense", f->sense,
                 "Which WordNet sense: auto (first photographable one) or N; implies --wordnet")
      ->type_name("auto|N")
      ->check([](const std::string& v) {
        auto parsed = ParseWordNetSense(v);
        return parsed.ok() ? std::string() : parsed.status().message();
      });
  app.add_option("--wordnet-dir", f->wordnet_dir,
                 "WordNet database directory (default /usr/share/wordnet)")
      ->type_name("DIR");
  app.add_flag("--wordnet-instances", f->instances,
               "Also follow instance hyponyms (city -> Paris)");
  app.add_flag("--wordnet-keep-ambiguous", f->keep_ambiguous,
               "Keep words whose commonest sense is something else (toy, under dog)");
  app.add_flag("--no-wordnet", f->no_wordnet,
               "No WordNet queries, even if the config turns them on");
  app.add_flag("--llm", f->llm, "Ask a language model for more queries");
  app.add_flag("--no-llm", f->no_llm, "Ask no language model, even if the config says so");
  AddLlmFlags(cli, &f->llm_flags);
  app.add_option("--llm-count", f->count, "Queries to ask the model for per label")
      ->type_name("N")
      ->check(Quiet(CLI::Range(1, 1000)))
      ->capture_default_str();
  app.add_option("--widen", f->widen,
                 "Widen the expansion N steps: more templates, WordNet deeper, twice the model's "
                 "queries and the cap per step (pix-run's later search rounds)")
      ->type_name("N")
      ->check(Quiet(CLI::Range(0, 8)))
      ->capture_default_str();
}

void WidenKeywordOptions(int steps, KeywordOptions* o) {
  for (int step = 1; step <= steps; ++step) {
    if (!o->templates.empty()) {
      for (const std::string& t : WiderQueryTemplates(step)) o->templates.push_back(t);
    }
    if (o->wordnet.enabled) o->wordnet.expand.depth = std::min(o->wordnet.expand.depth + 1, 20);
    if (o->llm.enabled) o->llm.count = std::min(o->llm.count * 2, 1000);
    if (o->max_queries_per_label > 0) o->max_queries_per_label *= 2;
  }
}

Result<KeywordSetup> ResolveKeywordOptions(const KeywordFlags& f, bool input_given,
                                           const EnvLookup& env) {
  const auto given = [&](const char* flag) { return f.app && f.app->count(flag) > 0; };
  DatasetConfig config;
  if (!f.config.empty()) {
    auto loaded = LoadDatasetConfig(f.config);
    if (!loaded.ok()) return Status::InvalidArgument(loaded.status().message());
    config = std::move(loaded).value();
  }
  KeywordSetup setup;
  KeywordOptions& options = setup.options;
  PIX_ASSIGN_OR_RETURN(options, ParseKeywordsSection(config));
  if (given("--template")) options.templates = f.templates;
  if (f.no_templates) options.templates.clear();
  if (f.no_label) options.include_label = false;
  for (const auto& n : f.negatives) options.negative_terms.push_back(n);
  if (given("--max-queries-per-label")) options.max_queries_per_label = f.max_queries;

  auto& wn = options.wordnet;
  wn.enabled = wn.enabled || f.wordnet || given("--wordnet-depth") || given("--wordnet-sense");
  if (given("--wordnet-depth")) wn.expand.depth = f.depth;
  if (given("--wordnet-sense")) {
    PIX_ASSIGN_OR_RETURN(wn.expand.sense, ParseWordNetSense(f.sense));
  }
  if (!f.wordnet_dir.empty()) wn.dir = f.wordnet_dir;
  if (f.instances) wn.expand.instances = true;
  if (f.keep_ambiguous) wn.expand.keep_ambiguous = true;
  if (f.no_wordnet) wn.enabled = false;

  options.llm.enabled = (options.llm.enabled || f.llm) && !f.no_llm;
  if (given("--llm-count")) options.llm.count = f.count;
  WidenKeywordOptions(f.widen, &options);
  PIX_RETURN_IF_ERROR(f.llm_flags.ApplyTo(&options.llm.client, options.llm.enabled, env));
  PIX_RETURN_IF_ERROR(f.network.ApplyTo(&setup.http));
  if (given("--timeout")) options.llm.client.endpoint.timeout = setup.http.timeout;

  KeywordSources& sources = setup.sources;
  sources.classes = config.classes;
  if (!f.keywords.empty()) {
    sources.fixed = true;
    for (const auto& k : f.keywords) {
      const DatasetClass* known = config.FindClass(k);
      DatasetClass spec;
      spec.label = k;
      sources.labels.push_back(known ? *known : spec);
    }
  } else if (!config.classes.empty() && !input_given) {
    sources.fixed = true;
    sources.labels = config.classes;
  }
  return setup;
}

}  // namespace pix
