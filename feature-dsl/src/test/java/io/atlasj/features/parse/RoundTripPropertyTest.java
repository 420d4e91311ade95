package io.atlasj.features.parse;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.features.Feature;
import io.atlasj.features.FeatureKind;
import io.atlasj.features.FeatureKind.ParamSpec;
import io.atlasj.features.Label;
import io.atlasj.features.LabelKind;
import io.atlasj.features.Library;
import io.atlasj.marketdata.Timeframe;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Property: for every feature and label the library can make (random kinds, parameters, market and timeframe steps,
 * transforms, operators and functions, nested), {@code parse(x.id())} equals {@code x} and prints the same id.
 */
class RoundTripPropertyTest {
    private static final int CASES = 5_000;
    private final Random random = new Random(20131125L);
    private final Set<String> kindsSeen = new TreeSet<>();

    @Test
    void everyFeatureParsesBackToAnEqualFeature() {
        for (int i = 0; i < CASES; i++) {
            Feature f = feature(3);
            String id = f.id();
            Feature back = FeatureParser.parseFeature(id);
            assertThat(back).as(id).isEqualTo(f);
            assertThat(back.id()).isEqualTo(id);
        }
        // the generator reached every kind of the library
        List<String> all = Library.all().stream().map(FeatureKind::name).toList();
        assertThat(kindsSeen).containsAll(all);
    }

    @Test
    void everyLabelParsesBackToAnEqualLabel() {
        Set<String> labelKinds = new TreeSet<>();
        for (int i = 0; i < CASES / 5; i++) {
            Label l = label();
            labelKinds.add(l.kind());
            Label back = FeatureParser.parseLabel(l.id());
            assertThat(back).as(l.id()).isEqualTo(l);
            assertThat(back.id()).isEqualTo(l.id());
        }
        assertThat(labelKinds).contains(LabelKind.LOOKFORWARD).containsAll(LabelKind.names());
    }

    private Label label() {
        if (random.nextInt(3) == 0) {
            return feature(2).lookforward(1 + random.nextInt(10));
        }
        LabelKind k = LabelKind.all().get(random.nextInt(LabelKind.all().size()));
        while (true) {
            double[] p = params(k.params());
            double horizon = p.length > 0 ? p[0] : 12;
            double level = p.length > 1 ? p[1] : 2;
            if (k.name().equals("NextSwing") && horizon <= level) {
                continue; // its horizon must exceed its level (refused otherwise, with a hint)
            }
            return steps(Label.of(k.name(), p));
        }
    }

    private Feature feature(int depth) {
        List<FeatureKind> kinds = Library.all();
        FeatureKind k = kinds.get(random.nextInt(kinds.size()));
        kindsSeen.add(k.name());
        if (depth == 0 && k.shape() != FeatureKind.Shape.LEAF) {
            return leafOrConst();
        }
        return switch (k.shape()) {
            case LEAF -> k.name().equals("Const") ? Feature.of("Const", constant()) : steps(Feature.of(k.name(), params(k.params())));
            case TRANSFORM -> {
                Feature in = feature(depth - 1);
                yield switch (k.name()) {
                    case "lag" -> in.lag(1 + random.nextInt(20));
                    case "diff" -> in.diff(1 + random.nextInt(20));
                    case "zscore" -> in.zscore(2 + random.nextInt(50));
                    default -> in.clip(-random.nextInt(5), 1 + random.nextInt(5));
                };
            }
            case OPERATOR -> {
                Feature a = feature(depth - 1);
                Feature b = random.nextBoolean() ? feature(depth - 1) : Feature.of("Const", constant());
                yield switch (k.name()) {
                    case "plus" -> a.plus(b);
                    case "minus" -> a.minus(b);
                    case "times" -> a.times(b);
                    default -> a.div(b);
                };
            }
            case FUNCTION -> {
                List<Feature> in = new ArrayList<>();
                for (int i = 0; i < k.inputs(); i++) {
                    in.add(feature(depth - 1));
                }
                yield new Feature(k.name(), k.withDefaults(params(k.params())), null, null, in);
            }
        };
    }

    private Feature leafOrConst() {
        List<FeatureKind> leaves = Library.all().stream().filter(x -> x.shape() == FeatureKind.Shape.LEAF).toList();
        FeatureKind k = leaves.get(random.nextInt(leaves.size()));
        kindsSeen.add(k.name());
        return k.name().equals("Const") ? Feature.of("Const", constant()) : steps(Feature.of(k.name(), params(k.params())));
    }

    private double constant() {
        double v = Math.round((random.nextDouble() * 200 - 100) * 1000) / 1000.0;
        return v == 0 ? 0.0 : v;
    }

    private double[] params(List<ParamSpec> specs) {
        int given = random.nextInt(specs.size() + 1);
        double[] out = new double[given];
        for (int i = 0; i < given; i++) {
            ParamSpec s = specs.get(i);
            double hi = Math.min(s.max(), s.min() + (s.integer() ? 200 : 10));
            out[i] = s.integer() ? s.min() + random.nextInt((int) (hi - s.min()) + 1)
                    : s.min() + random.nextDouble() * (hi - s.min());
        }
        // parameters without defaults must be given
        List<Double> full = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            ParamSpec s = specs.get(i);
            full.add(i < given ? out[i] : s.defaultValue() != null ? s.defaultValue() : s.min());
        }
        return full.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private <T extends io.atlasj.features.Steps<T>> T steps(T x) {
        T out = x;
        switch (random.nextInt(6)) {
            case 0 -> out = out.eth();
            case 1 -> out = out.bitstamp().btcUsd();
            case 2 -> out = out.market("binance-um:filusdt");
            case 3 -> out = out.binance().asset("sol").quote("usdt");
            case 4 -> out = out.exchange("coinbase");
            default -> {
                // no market step: the set's base market
            }
        }
        if (random.nextBoolean()) {
            Timeframe[] tfs = Timeframe.values();
            out = out.onTimeframe(tfs[random.nextInt(tfs.length)]);
        }
        return out;
    }
}
