package io.atlasj.trainer.data;

import static io.atlasj.features.Dsl.LogReturns;
import static io.atlasj.features.Dsl.RSI;
import static io.atlasj.features.Dsl.ThreeClassPercentile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.features.set.FeatureLabelSet;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.workspec.DatasetOptions;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.ModelEntry;
import io.atlasj.workspec.ModelSpec;
import io.atlasj.workspec.ModelType;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkUnit;
import io.atlasj.workspec.split.SplitPolicy;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Folds are prepared as they are read, a sequence model's context of every row only when it is read: the parts'
 * rows are the scaler's values of the matrix, the same as the context's rows at their indices, fold after fold.
 */
class FoldPreparationTest {
    static final FeatureLabelSet SET = FeatureLabelSet.builder("t").base("bitstamp:btc_usd", "5m")
            .features(LogReturns(), RSI(14)).labels(ThreeClassPercentile(3, 25, 75)).build();

    static ModelSpec spec(SplitPolicy split, DatasetOptions.Rebalance rebalance) {
        WorkSpec ws = WorkSpec.builder("t").unit(new WorkUnit("u", "t", SET, Long.MIN_VALUE, Long.MAX_VALUE,
                new DatasetOptions(DatasetOptions.Task.CLASSIFICATION, SET.labels().get(0).id(),
                        DatasetOptions.Classes.NONE, rebalance, null),
                split, List.of(ModelEntry.builder("m", ModelType.DNN).build()))).build();
        return Expander.expand(ws).get(0);
    }

    static FeatureMatrix matrix(int n) {
        Random r = new Random(11);
        long[] time = new long[n];
        double[][] x = new double[2][n];
        double[][] y = new double[1][n];
        for (int i = 0; i < n; i++) {
            time[i] = i * 300_000L;
            x[0][i] = 0.002 * r.nextGaussian() + 1e-4 * i / n; // drifts, so every fold's scaler differs
            x[1][i] = 50 + 10 * r.nextGaussian() + 20.0 * i / n;
            y[0][i] = 0.01 * r.nextGaussian();
        }
        return new FeatureMatrix("t", time, SET.features().stream().map(f -> f.id()).toList(), x,
                SET.labels().stream().map(l -> l.id()).toList(), y, null);
    }

    @Test
    void everyFoldsPartsAreItsScalersValuesAndItsContextsRows() {
        FeatureMatrix m = matrix(6_000);
        for (SplitPolicy split : List.of(new SplitPolicy.WalkForward(false, 1_000, 500, 500, 0.2, 0),
                new SplitPolicy.WalkForward(true, 1_000, 500, 500, 0.2, 0), new SplitPolicy.PurgedKFold(4, 6, 0.2))) {
            ModelSpec spec = spec(split, DatasetOptions.Rebalance.UNDERSAMPLE);
            List<PreparedData> folds = DatasetPreparer.prepare(spec, m);
            assertThat(folds.size()).as(split.toString()).isGreaterThan(3);
            double firstCenter = Double.NaN;
            List<io.atlasj.workspec.split.Fold> split_ = io.atlasj.workspec.split.Splitter.folds(m.time(), 300_000L,
                    3, split);
            assertThat(folds).hasSize(split_.size());
            for (PreparedData d : folds) {
                io.atlasj.workspec.split.Fold f = split_.get(d.fold());
                // what the fold was made of, computed here from the split: the scaler and class boundaries fitted on
                // its training rows, its evaluated parts those rows, its training part those rows undersampled
                io.atlasj.workspec.split.Scaler fitted = io.atlasj.workspec.split.Scaler.fit(m.features(), f.train(),
                        DatasetOptions.Scaling.ZSCORE);
                assertThat(d.scaler().center()).containsExactly(fitted.center());
                assertThat(d.scaler().scale()).containsExactly(fitted.scale());
                double[] b = io.atlasj.workspec.split.Scaler.fitBoundaries(m.labels()[0], f.train(), 25, 75);
                assertThat(d.boundaries()).containsExactly(b);
                assertThat(d.validation().index()).containsExactly(f.validation());
                assertThat(d.test().index()).containsExactly(f.test());
                double[] target = java.util.Arrays.stream(m.labels()[0])
                        .map(v -> io.atlasj.workspec.split.Scaler.classify(v, b)).toArray();
                int[] undersampled = DatasetPreparer.rebalance(f.train(), target, 3,
                        DatasetOptions.Rebalance.UNDERSAMPLE, spec.seed());
                assertThat(d.train().index()).containsExactly(undersampled);
                long[] count = new long[3];
                java.util.Arrays.stream(undersampled).forEach(r -> count[(int) target[r]]++);
                assertThat(count[0]).isEqualTo(count[1]).isEqualTo(count[2]).isGreaterThan(0);
                // the context: every row as the scaler's scaled copy of the matrix, transposed (the eager form)
                double[][] ctx = d.context().x();
                double[][] scaled = fitted.apply(m.features());
                assertThat(ctx).hasNumberOfRows(m.rows());
                for (int r = 0; r < m.rows(); r += 7) {
                    assertThat(ctx[r]).containsExactly(scaled[0][r], scaled[1][r]);
                }
                for (PreparedData.Part p : List.of(d.train(), d.validation(), d.test())) {
                    for (int i = 0; i < p.rows(); i++) {
                        int r = p.index()[i];
                        assertThat(p.time()[i]).isEqualTo(m.time()[r]);
                        assertThat(p.x()[i]).as("%s fold %d row %d", split, d.fold(), r).containsExactly(ctx[r]);
                        for (int c = 0; c < 2; c++) {
                            assertThat(p.x()[i][c]).isEqualTo((m.features()[c][r] - d.scaler().center()[c])
                                    / d.scaler().scale()[c]);
                        }
                    }
                }
                if (d.fold() == 0) {
                    firstCenter = d.scaler().center()[1];
                } else if (split instanceof SplitPolicy.WalkForward w && !w.expanding()) {
                    assertThat(d.scaler().center()[1]).as("each fold its own scaler").isNotEqualTo(firstCenter);
                }
            }
            // read again, a fold is prepared again, the same
            PreparedData a = folds.get(2);
            PreparedData b = folds.get(2);
            assertThat(b).isNotSameAs(a);
            assertThat(b.train().index()).containsExactly(a.train().index());
            assertThat(b.train().y()).containsExactly(a.train().y());
            assertThat(b.test().x()).isDeepEqualTo(a.test().x());
        }
    }

    /** Rebalancing on arrays draws the same rows as the list-and-shuffle form it replaced, for either way. */
    @Test
    void rebalancedRowsAreThoseOfTheListAndShuffleForm() {
        Random r = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 50 + r.nextInt(5_000);
            double[] target = new double[n + 100];
            boolean noClass2 = trial % 4 == 1; // undersampling then skips the empty class
            for (int i = 0; i < target.length; i++) {
                double u = r.nextDouble();
                target[i] = u < 0.15 ? 0 : u < 0.8 || noClass2 ? 1 : 2;
                if (trial % 4 == 2 && u > 0.995) {
                    target[i] = Double.NaN; // counted as class 0, as it always was
                }
            }
            int[] rows = java.util.stream.IntStream.range(0, target.length).filter(i -> r.nextInt(10) > 0).toArray();
            for (DatasetOptions.Rebalance how : List.of(DatasetOptions.Rebalance.UNDERSAMPLE,
                    DatasetOptions.Rebalance.OVERSAMPLE)) {
                long seed = r.nextLong();
                assertThat(DatasetPreparer.rebalance(rows, target, 3, how, seed)).as("%s trial %d", how, trial)
                        .containsExactly(listForm(rows, target, 3, how, seed));
            }
        }
    }

    private static int[] listForm(int[] rows, double[] target, int classes, DatasetOptions.Rebalance how, long seed) {
        List<List<Integer>> byClass = new java.util.ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new java.util.ArrayList<>());
        }
        for (int r : rows) {
            byClass.get((int) target[r]).add(r);
        }
        int goal = how == DatasetOptions.Rebalance.OVERSAMPLE
                ? byClass.stream().mapToInt(List::size).max().orElse(0)
                : byClass.stream().mapToInt(List::size).filter(s -> s > 0).min().orElse(0);
        Random rnd = new Random(seed);
        List<Integer> out = new java.util.ArrayList<>();
        for (List<Integer> c : byClass) {
            if (c.isEmpty()) {
                continue;
            }
            if (c.size() >= goal) {
                List<Integer> copy = new java.util.ArrayList<>(c);
                java.util.Collections.shuffle(copy, rnd);
                out.addAll(copy.subList(0, goal));
            } else {
                out.addAll(c);
                for (int k = c.size(); k < goal; k++) {
                    out.add(c.get(rnd.nextInt(c.size())));
                }
            }
        }
        return out.stream().sorted().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void aContextsRowsAreMadeOnceWhenFirstReadAndReplacedRowsAreTheGivenArrays() {
        AtomicInteger made = new AtomicInteger();
        double[][] rows = {{1, 2}, {3, 4}, {5, 6}};
        PreparedData.Context c = PreparedData.Context.lazy(new long[] {0, 60_000, 120_000}, 60_000L, () -> {
            made.incrementAndGet();
            return rows;
        });
        double[][] shuffled = {{9, 9}};
        PreparedData.Context s = c.withRows(new int[] {1}, shuffled);
        assertThat(made).hasValue(0);
        assertThat(s.x()[1]).isSameAs(shuffled[0]);
        assertThat(s.x()[0]).isSameAs(rows[0]);
        assertThat(made).hasValue(1);
        assertThat(c.x()).isSameAs(rows);
        assertThat(c.x()[1]).containsExactly(3, 4);
        assertThat(made).hasValue(1);
        shuffled[0][0] = 7; // a change to the given row shows in the context's windows
        assertThat(s.x()[1][0]).isEqualTo(7);
    }

    @Test
    void aLabelThatCannotBeLearnedFailsWhenPreparedNotAtTheFirstFoldRead() {
        FeatureLabelSet set = FeatureLabelSet.builder("t").base("bitstamp:btc_usd", "5m")
                .features(LogReturns(), RSI(14)).labels(io.atlasj.features.Dsl.FutureReturn(3)).build();
        FeatureMatrix m = new FeatureMatrix("t", matrix(600).time(), SET.features().stream().map(f -> f.id()).toList(),
                matrix(600).features(), set.labels().stream().map(l -> l.id()).toList(), matrix(600).labels(), null);
        WorkSpec ws = WorkSpec.builder("t").unit(new WorkUnit("u", "t", set, Long.MIN_VALUE, Long.MAX_VALUE,
                new DatasetOptions(DatasetOptions.Task.CLASSIFICATION, set.labels().get(0).id(),
                        DatasetOptions.Classes.NONE, null, null), new SplitPolicy.Chronological(0.6, 0.2, 0.2, 0),
                List.of(ModelEntry.builder("m", ModelType.DNN).build()))).build();
        // a real-valued label as classes without the dataset's classes: refused by prepare, before any fold is read
        assertThatThrownBy(() -> DatasetPreparer.prepare(Expander.expand(ws).get(0), m))
                .hasMessageContaining("has real values");
    }
}
