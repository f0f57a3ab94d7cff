// pix-keywords: expands labels into image search queries (templates,
// WordNet, a language model).
#include <cstdlib>

#include "base/cli.h"
#include "base/env.h"
#include "base/exit_code.h"
#include "base/signals.h"
#include "base/terminal.h"
#include "config/dataset_config.h"
#include "http/http_flags.h"
#include "llm/llm_flags.h"
#include "keywords/keyword_stage.h"

int main(int argc, char** argv) {
  pix::ToolCli cli("pix-keywords", "Expand labels into image search queries");
  pix::CommonOptions common;
  pix::NetworkFlags network;
  pix::HttpOptions http;
  pix::LlmFlags llm_flags;
  std::string config_path, wordnet_dir;
  std::vector<std::string> keywords, templates, negatives;
  bool no_templates = false, no_label = false, wordnet = false, instances = false, llm = false;
  bool no_wordnet = false, no_llm = false, keep_ambiguous = false;
  std::string sense;
  int depth = 1, count = 10;
  size_t max_queries = 0;
  cli.AddCommonFlags(&common);
  cli.AddConfig(&config_path);
  pix::AddNetworkFlags(cli, &network, http);
  CLI::App& app = cli.app();
  app.add_option("-k,--keyword", keywords, "Expand this label instead of reading records; repeatable")
      ->type_name("LABEL");
  app.add_option("--template", templates,
                 "Query pattern with {label}, replacing the default set; repeatable")
      ->type_name("PATTERN");
  app.add_flag("--no-templates", no_templates, "Write no template queries");
  app.add_flag("--no-label", no_label, "Do not write the label itself as a query");
  app.add_option("--negative", negatives, "Exclude TERM from every label's queries; repeatable")
      ->type_name("TERM");
  app.add_option("--max-queries-per-label", max_queries, "Write at most N queries per label (0: all)")
      ->type_name("N")
      ->capture_default_str();
  app.add_flag("--wordnet", wordnet, "Add WordNet synonyms and hyponyms of each label");
  app.add_option("--wordnet-depth", depth, "Hyponym levels to follow (0: synonyms only); implies --wordnet")
      ->type_name("N")
      ->check(pix::Quiet(CLI::Range(0, 20)))
      ->capture_default_str();
  app.add_option("--wordnet-sense", sense,
                 "Which WordNet sense: auto (first photographable one) or N; implies --wordnet")
      ->type_name("auto|N")
      ->check([](const std::string& v) {
        auto parsed = pix::ParseWordNetSense(v);
        return parsed.ok() ? std::string() : parsed.status().message();
      });
  app.add_option("--wordnet-dir", wordnet_dir, "WordNet database directory (default /usr/share/wordnet)")
      ->type_name("DIR");
  app.add_flag("--wordnet-instances", instances, "Also follow instance hyponyms (city -> Paris)");
  app.add_flag("--wordnet-keep-ambiguous", keep_ambiguous,
               "Keep words whose commonest sense is something else (toy, under dog)");
  app.add_flag("--no-wordnet", no_wordnet, "No WordNet queries, even if the config turns them on");
  app.add_flag("--llm", llm, "Ask a language model for more queries");
  app.add_flag("--no-llm", no_llm, "Ask no language model, even if the config says so");
  pix::AddLlmFlags(cli, &llm_flags);
  app.add_option("--llm-count", count, "Queries to ask the model for per label")
      ->type_name("N")
      ->check(pix::Quiet(CLI::Range(1, 1000)))
      ->capture_default_str();
  if (auto code = cli.Parse(argc, argv)) return *code;

  pix::Terminal terminal(cli.name(), common.quiet);
  const auto usage_error = [&](const std::string& message) {
    terminal.Error(message);
    return pix::kExitUsage;
  };
  pix::DatasetConfig config;
  if (!config_path.empty()) {
    auto loaded = pix::LoadDatasetConfig(config_path);
    if (!loaded.ok()) return usage_error(loaded.status().message());
    config = std::move(loaded).value();
  }
  pix::KeywordOptions options = config.keywords;
  if (app.count("--template")) options.templates = templates;
  if (no_templates) options.templates.clear();
  if (no_label) options.include_label = false;
  for (const auto& n : negatives) options.negative_terms.push_back(n);
  if (app.count("--max-queries-per-label")) options.max_queries_per_label = max_queries;
  auto& wn = options.wordnet;
  wn.enabled = wn.enabled || wordnet || app.count("--wordnet-depth") || app.count("--wordnet-sense");
  if (app.count("--wordnet-depth")) wn.expand.depth = depth;
  if (app.count("--wordnet-sense")) wn.expand.sense = *pix::ParseWordNetSense(sense);
  if (!wordnet_dir.empty()) wn.dir = wordnet_dir;
  if (instances) wn.expand.instances = true;
  if (keep_ambiguous) wn.expand.keep_ambiguous = true;
  if (no_wordnet) wn.enabled = false;

  options.llm.enabled = (options.llm.enabled || llm) && !no_llm;
  pix::LlmEndpoint& endpoint = options.llm.client.endpoint;
  if (app.count("--llm-count")) options.llm.count = count;
  if (pix::Status s = llm_flags.ApplyTo(&options.llm.client, options.llm.enabled, pix::GetEnv); !s.ok()) {
    return usage_error(s.message());
  }
  if (pix::Status s = network.ApplyTo(&http); !s.ok()) return usage_error(s.message());
  if (app.count("--timeout")) endpoint.timeout = http.timeout;

  pix::KeywordSources sources;
  sources.classes = config.classes;
  if (!keywords.empty()) {
    sources.fixed = true;
    for (const auto& k : keywords) {
      const pix::DatasetClass* known = config.FindClass(k);
      pix::DatasetClass spec;
      spec.label = k;
      sources.labels.push_back(known ? *known : spec);
    }
  } else if (!config.classes.empty() && !app.count("--input")) {
    sources.fixed = true;
    sources.labels = config.classes;
  }

  auto expander = pix::KeywordExpander::Create(options, http);
  if (!expander.ok()) {
    terminal.Error(expander.status().message());
    return pix::ExitCodeFor(expander.status());
  }
  pix::InstallSignalHandlers();
  auto io = pix::StageIo::Open("keywords", common, &terminal);
  if (!io.ok()) {
    terminal.Error(io.status().message());
    return pix::ExitCodeFor(io.status());
  }
  return pix::RunKeywords(**expander, sources, **io);
}
