package io.atlasj.features.set;

import io.atlasj.features.Feature;
import io.atlasj.features.Label;
import io.atlasj.features.Library;
import io.atlasj.features.eval.GapPolicy;
import io.atlasj.features.parse.FeatureParseException;
import io.atlasj.features.parse.FeatureParser;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.yaml.YNode;
import io.atlasj.yaml.YamlTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Featuresets as YAML, the form of {@code configs/featuresets/*.yaml}:
 * <pre>
 * name: quickstart
 * description: ...                      # optional
 * base: {market: "bitstamp:btc_usd", timeframe: 5m}
 * defaults: {exchange: bitstamp, quote: usd}   # optional, for asset steps like .eth()
 * gaps: drop                            # optional: drop (default), bridge or fill-flat
 * fillLimit: 2h                         # optional, with fill-flat: fill at most this long after a real bar
 * prices: trades                        # optional: trades (default), or mid: candles are the quote bars' midpoints
 * features:
 *   - LogReturns()
 *   - RSI(14).zscore(50)
 * labels:
 *   - LogReturns().lookforward(1)
 * </pre>
 * Every mistake of a file is reported at once with line and column; unknown fields fail; a label among the
 * features fails.
 *
 * <p>The file is read by {@link YamlTree}, the reader WorkSpecs use too: anchors ({@code &name}), aliases
 * ({@code *name}) and merge keys ({@code <<: *name}) are resolved, and a file whose aliases expand beyond
 * {@link YamlTree#MAX_EXPANDED} values is refused. Top-level fields named {@code x-...} are ignored, a place to
 * anchor what the file reuses, and an item of {@code features} or {@code labels} that is a list (usually an alias
 * of an anchored list) adds its expressions in place:
 * <pre>
 * x-base: &amp;base {market: "bitstamp:btc_usd", timeframe: 5m}
 * x-returns: &amp;returns [LogReturns(), LogReturns().lookback(5)]
 * name: anchored
 * base: {&lt;&lt;: *base, timeframe: 1m}
 * features:
 *   - *returns
 *   - RSI(14)
 * </pre>
 * A problem inside an alias is reported where the anchored value is written.
 */
public final class FeatureSetYaml {
    /** Top-level fields starting with this are ignored: a place to define anchors (Compose's extension fields). */
    static final String EXTENSION = "x-";
    private static final Set<String> TOP = Set.of("name", "description", "base", "defaults", "gaps", "fillLimit",
            "prices", "features", "labels");

    private FeatureSetYaml() {
    }

    public static FeatureLabelSet read(Path file) throws IOException {
        return read(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    }

    public static FeatureLabelSet read(String source, String text) {
        Reader r = new Reader(source);
        try {
            r.top(YamlTree.parse(text));
        } catch (YamlTree.SyntaxError e) {
            r.problem(e.line(), e.column(), "yaml", "not valid YAML: " + e.getMessage());
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
        sb.append("gaps: ").append(s.gaps().yamlName()).append('\n');
        if (s.fillLimit() != null) {
            sb.append("fillLimit: ").append(io.atlasj.text.Durations.format(s.fillLimit())).append('\n');
        }
        if (s.prices() != io.atlasj.features.eval.PriceBasis.TRADES) {
            sb.append("prices: ").append(s.prices().yamlName()).append('\n');
        }
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
        private java.time.Duration fillLimit;
        private YNode fillLimitNode;
        private io.atlasj.features.eval.PriceBasis prices = io.atlasj.features.eval.PriceBasis.TRADES;
        private YNode pricesNode;
        private final List<Feature> features = new ArrayList<>();
        private final List<Label> labels = new ArrayList<>();
        /** canonical id to where it was first listed, to place a feature listed twice */
        private final Map<String, String> listed = new HashMap<>();
        private boolean sawBase;
        private boolean sawFeatures;

        Reader(String source) {
            this.source = source;
        }

        void problem(int line, int col, String field, String message) {
            problems.add(new FeatureSetFileException.Problem(source, line, col, field, message));
        }

        void problem(YNode at, String field, String message) {
            problem(at.line(), at.column(), field, message);
        }

        void top(YNode root) {
            if (!(root instanceof YNode.Map m)) {
                problem(root, "(top)", "a featureset is a mapping with name, base, features and labels");
                return;
            }
            m.entries().forEach((field, v) -> {
                switch (field) {
                    case "name" -> name = scalar(v, field);
                    case "description" -> {
                        if (!(v instanceof YNode.Scalar)) {
                            problem(v, field, "must be a single value, got " + YNode.describe(v));
                        }
                    }
                    case "base" -> {
                        sawBase = true;
                        mapping(v, field, List.of("market", "timeframe"), (k, n, s) -> {
                            try {
                                if (k.equals("market")) {
                                    market = Market.parse(s);
                                } else {
                                    timeframe = Timeframe.parse(s);
                                }
                            } catch (IllegalArgumentException e) {
                                problem(n, "base." + k, e.getMessage());
                            }
                        });
                    }
                    case "defaults" -> mapping(v, field, List.of("exchange", "quote"), (k, n, s) -> {
                        if (k.equals("exchange")) {
                            exchange = s;
                        } else {
                            quote = s;
                        }
                    });
                    case "gaps" -> {
                        String s = scalar(v, field);
                        if (s != null) {
                            try {
                                gaps = GapPolicy.parse(s);
                            } catch (IllegalArgumentException e) {
                                problem(v, field, e.getMessage());
                            }
                        }
                    }
                    case "fillLimit" -> {
                        String s = scalar(v, field);
                        if (s != null) {
                            try {
                                fillLimit = io.atlasj.text.Durations.parse(s);
                                fillLimitNode = v;
                            } catch (IllegalArgumentException e) {
                                problem(v, field, e.getMessage() + " (the longest gap gaps: fill-flat fills)");
                            }
                        }
                    }
                    case "prices" -> {
                        String s = scalar(v, field);
                        if (s != null) {
                            try {
                                prices = io.atlasj.features.eval.PriceBasis.parse(s);
                                pricesNode = v;
                            } catch (IllegalArgumentException e) {
                                problem(v, field, e.getMessage() + " (mid: the candles are the midpoints of the "
                                        + "market's quote bars)");
                            }
                        }
                    }
                    case "features" -> {
                        sawFeatures = true;
                        list(v, field, true);
                    }
                    case "labels" -> list(v, field, false);
                    default -> {
                        if (!field.startsWith(EXTENSION)) {
                            problem(m.keys().get(field), field, "unknown field" + Library.suggest(field, TOP)
                                    + " (fields: name, description, base, defaults, gaps, fillLimit, prices, features, "
                                    + "labels; and x-... "
                                    + "for anchors)");
                        }
                    }
                }
            });
        }

        /** A scalar's text, or null (with a problem) for a list, a mapping or an empty value. */
        private String scalar(YNode n, String field) {
            if (n instanceof YNode.Scalar s && s.text() != null) {
                return s.text();
            }
            problem(n, field, "must be a single value, got " + YNode.describe(n));
            return null;
        }

        /** What one key of a small mapping sets, given the key, its value node and the value's text. */
        private interface Setter {
            void set(String key, YNode at, String value);
        }

        private void mapping(YNode n, String field, List<String> keys, Setter f) {
            if (!(n instanceof YNode.Map m)) {
                problem(n, field, "must be a mapping with " + keys + ", got " + YNode.describe(n));
                return;
            }
            m.entries().forEach((k, v) -> {
                if (!keys.contains(k)) {
                    problem(m.keys().get(k), field + "." + k, "unknown field" + Library.suggest(k, Set.copyOf(keys))
                            + " (fields: " + keys + ")");
                    return;
                }
                String s = scalar(v, field + "." + k);
                if (s != null) {
                    f.set(k, v, s);
                }
            });
        }

        /**
         * The expressions of {@code features} or {@code labels}. An item that is itself a list (an alias of an
         * anchored list, {@code - *common}) contributes its expressions in place.
         */
        private void list(YNode n, String field, boolean inputs) {
            if (!(n instanceof YNode.Seq seq)) {
                problem(n, field, "must be a list of expressions, one per line starting with '- '");
                return;
            }
            for (int i = 0; i < seq.items().size(); i++) {
                YNode item = seq.items().get(i);
                String at = field + "[" + i + "]";
                if (item instanceof YNode.Seq group) {
                    for (int j = 0; j < group.items().size(); j++) {
                        expression(group.items().get(j), at + "[" + j + "]", inputs);
                    }
                } else {
                    expression(item, at, inputs);
                }
            }
        }

        private void expression(YNode item, String at, boolean inputs) {
            if (!(item instanceof YNode.Scalar s) || s.text() == null) {
                problem(item, at, "must be an expression such as LogReturns().lookback(5)");
                return;
            }
            String text = s.text();
            try {
                if (inputs) {
                    Feature f = FeatureParser.parseFeature(text);
                    String first = listed.putIfAbsent(f.id(), at);
                    if (first != null) {
                        problem(item, at, f.id() + " is listed twice (also " + first + ")");
                    } else {
                        features.add(f);
                    }
                } else {
                    labels.add(FeatureParser.parseLabel(text));
                }
            } catch (FeatureParseException e) {
                problem(item.line(), item.column() + e.position(), at, e.reason() + " in '" + text + "'");
            } catch (IllegalArgumentException e) {
                problem(item, at, e.getMessage());
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
            if (fillLimit != null && gaps != GapPolicy.FILL_FLAT) {
                problem(fillLimitNode, "fillLimit", "applies to gaps: fill-flat only (gaps is " + gaps.yamlName()
                        + "); write gaps: fill-flat or remove fillLimit");
            } else if (fillLimit != null && timeframe != null && fillLimit.toMillis() < timeframe.millis()) {
                problem(fillLimitNode, "fillLimit", io.atlasj.text.Durations.format(fillLimit) + " is shorter than one "
                        + timeframe + " bar, so nothing would be filled; give at least " + timeframe);
            }
            if (prices == io.atlasj.features.eval.PriceBasis.MID && gaps == GapPolicy.FILL_FLAT) {
                problem(pricesNode, "prices", "mid reads quote bars, which are never filled (a quiet book is not a "
                        + "flat candle), so gaps: fill-flat does not apply; write gaps: drop or bridge");
            }
            if (!problems.isEmpty()) {
                throw new FeatureSetFileException(problems);
            }
            try {
                return new FeatureLabelSet(name, market, timeframe, exchange, quote, features, labels, gaps, fillLimit,
                        prices);
            } catch (IllegalArgumentException e) {
                throw new FeatureSetFileException(List.of(new FeatureSetFileException.Problem(source, 1, 1, "features",
                        e.getMessage())));
            }
        }
    }
}
