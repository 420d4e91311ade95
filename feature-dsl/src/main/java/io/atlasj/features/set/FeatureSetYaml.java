package io.atlasj.features.set;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.atlasj.features.Feature;
import io.atlasj.features.Label;
import io.atlasj.features.Library;
import io.atlasj.features.eval.GapPolicy;
import io.atlasj.features.parse.FeatureParseException;
import io.atlasj.features.parse.FeatureParser;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Featuresets as YAML, the form of {@code configs/featuresets/*.yaml}:
 * <pre>
 * name: quickstart
 * description: ...                      # optional
 * base: {market: "bitstamp:btc_usd", timeframe: 5m}
 * defaults: {exchange: bitstamp, quote: usd}   # optional, for asset steps like .eth()
 * gaps: drop                            # optional: drop (default) or bridge
 * features:
 *   - LogReturns()
 *   - RSI(14).zscore(50)
 * labels:
 *   - LogReturns().lookforward(1)
 * </pre>
 * Every mistake of a file is reported at once with line and column; unknown fields fail; a label among the
 * features fails.
 */
public final class FeatureSetYaml {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final Set<String> TOP = Set.of("name", "description", "base", "defaults", "gaps", "features", "labels");

    private FeatureSetYaml() {
    }

    public static FeatureLabelSet read(Path file) throws IOException {
        return read(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    public static FeatureLabelSet read(String source, String text) {
        Reader r = new Reader(source);
        try (JsonParser p = YAML.createParser(text)) {
            r.top(p);
        } catch (JsonProcessingException e) {
            JsonLocation l = e.getLocation();
            r.problem(l == null ? 1 : l.getLineNr(), l == null ? 1 : l.getColumnNr(), "yaml",
                    "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            r.problem(1, 1, "file", e.getMessage());
        }
        return r.finish();
    }

    /** The set as YAML, features and labels in canonical form; {@link #read} gives back an equal set. */
    public static String write(FeatureLabelSet s) {
        StringBuilder sb = new StringBuilder();
        sb.append("name: ").append(s.name()).append('\n');
        sb.append("base: {market: \"").append(s.baseMarket()).append("\", timeframe: ").append(s.baseTimeframe())
                .append("}\n");
        if (s.defaultExchange() != null || s.defaultQuote() != null) {
            sb.append("defaults: {");
            if (s.defaultExchange() != null) {
                sb.append("exchange: ").append(s.defaultExchange());
            }
            if (s.defaultQuote() != null) {
                sb.append(s.defaultExchange() != null ? ", " : "").append("quote: ").append(s.defaultQuote());
            }
            sb.append("}\n");
        }
        sb.append("gaps: ").append(s.gaps().name().toLowerCase(Locale.ROOT)).append('\n');
        sb.append("features:\n");
        s.features().forEach(f -> sb.append("  - '").append(f.id().replace("'", "''")).append("'\n"));
        if (!s.labels().isEmpty()) {
            sb.append("labels:\n");
            s.labels().forEach(l -> sb.append("  - '").append(l.id().replace("'", "''")).append("'\n"));
        }
        return sb.toString();
    }

    private static final class Reader {
        private final String source;
        private final List<FeatureSetFileException.Problem> problems = new ArrayList<>();
        private String name;
        private Market market;
        private Timeframe timeframe;
        private String exchange;
        private String quote;
        private GapPolicy gaps = GapPolicy.DROP;
        private final List<Feature> features = new ArrayList<>();
        private final List<Label> labels = new ArrayList<>();
        private boolean sawBase;
        private boolean sawFeatures;

        Reader(String source) {
            this.source = source;
        }

        void problem(int line, int col, String field, String message) {
            problems.add(new FeatureSetFileException.Problem(source, line, col, field, message));
        }

        void problem(JsonParser p, String field, String message) {
            JsonLocation l = p.currentTokenLocation();
            problem(l.getLineNr(), l.getColumnNr(), field, message);
        }

        void top(JsonParser p) throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                problem(p, "(top)", "a featureset is a mapping with name, base, features and labels");
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonLocation at = p.currentTokenLocation();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "name" -> name = scalar(p, field);
                    case "description" -> scalar(p, field);
                    case "base" -> {
                        sawBase = true;
                        object(p, field, Set.of("market", "timeframe"), (k, v) -> {
                            if (k.equals("market")) {
                                try {
                                    market = Market.parse(v);
                                } catch (IllegalArgumentException e) {
                                    problem(p, "base.market", e.getMessage());
                                }
                            } else {
                                try {
                                    timeframe = Timeframe.parse(v);
                                } catch (IllegalArgumentException e) {
                                    problem(p, "base.timeframe", e.getMessage());
                                }
                            }
                        });
                    }
                    case "defaults" -> object(p, field, Set.of("exchange", "quote"), (k, v) -> {
                        if (k.equals("exchange")) {
                            exchange = v;
                        } else {
                            quote = v;
                        }
                    });
                    case "gaps" -> {
                        String v = scalar(p, field);
                        if (v != null) {
                            try {
                                gaps = GapPolicy.valueOf(v.toUpperCase(Locale.ROOT));
                            } catch (IllegalArgumentException e) {
                                problem(p, field, "must be drop or bridge, got '" + v + "'");
                            }
                        }
                    }
                    case "features" -> {
                        sawFeatures = true;
                        list(p, field, true);
                    }
                    case "labels" -> list(p, field, false);
                    default -> {
                        problem(at.getLineNr(), at.getColumnNr(), field, "unknown field" + Library.suggest(field, TOP)
                                + " (fields: name, description, base, defaults, gaps, features, labels)");
                        if (t.isStructStart()) {
                            p.skipChildren();
                        }
                    }
                }
            }
        }

        private String scalar(JsonParser p, String field) throws IOException {
            if (!p.currentToken().isScalarValue()) {
                problem(p, field, "must be a single value");
                p.skipChildren();
                return null;
            }
            return p.getText();
        }

        private void object(JsonParser p, String field, Set<String> keys, java.util.function.BiConsumer<String, String> f)
                throws IOException {
            if (p.currentToken() != JsonToken.START_OBJECT) {
                problem(p, field, "must be a mapping with " + keys);
                p.skipChildren();
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String k = p.currentName();
                JsonLocation at = p.currentTokenLocation();
                p.nextToken();
                if (!keys.contains(k)) {
                    problem(at.getLineNr(), at.getColumnNr(), field + "." + k, "unknown field" + Library.suggest(k, keys)
                            + " (fields: " + keys + ")");
                    p.skipChildren();
                    continue;
                }
                String v = scalar(p, field + "." + k);
                if (v != null) {
                    f.accept(k, v);
                }
            }
        }

        private void list(JsonParser p, String field, boolean inputs) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                problem(p, field, "must be a list of expressions, one per line starting with '- '");
                p.skipChildren();
                return;
            }
            int i = 0;
            while (p.nextToken() != JsonToken.END_ARRAY) {
                String at = field + "[" + i++ + "]";
                if (!p.currentToken().isScalarValue()) {
                    problem(p, at, "must be an expression such as LogReturns().lookback(5)");
                    p.skipChildren();
                    continue;
                }
                String text = p.getText();
                JsonLocation l = p.currentTokenLocation();
                try {
                    if (inputs) {
                        features.add(FeatureParser.parseFeature(text));
                    } else {
                        labels.add(FeatureParser.parseLabel(text));
                    }
                } catch (FeatureParseException e) {
                    problem(l.getLineNr(), l.getColumnNr() + e.position(), at, e.reason() + " in '" + text + "'");
                } catch (IllegalArgumentException e) {
                    problem(l.getLineNr(), l.getColumnNr(), at, e.getMessage());
                }
            }
        }

        FeatureLabelSet finish() {
            if (problems.isEmpty()) {
                if (name == null) {
                    problem(1, 1, "name", "missing");
                }
                if (!sawBase || market == null || timeframe == null) {
                    if (!sawBase) {
                        problem(1, 1, "base", "missing: write base: {market: \"exchange:symbol\", timeframe: 5m}");
                    } else {
                        problem(1, 1, "base", "needs both market and timeframe");
                    }
                }
                if (!sawFeatures || features.isEmpty()) {
                    problem(1, 1, "features", "missing or empty: a featureset needs at least one feature");
                }
            }
            if (!problems.isEmpty()) {
                throw new FeatureSetFileException(problems);
            }
            try {
                return new FeatureLabelSet(name, market, timeframe, exchange, quote, features, labels, gaps);
            } catch (IllegalArgumentException e) {
                throw new FeatureSetFileException(List.of(new FeatureSetFileException.Problem(source, 1, 1, "features",
                        e.getMessage())));
            }
        }
    }
}
