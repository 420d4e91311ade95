package io.atlasj.workspec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.features.set.FeatureSetYaml;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.workspec.split.Fold;
import io.atlasj.workspec.split.Scaler;
import io.atlasj.workspec.split.SplitPolicy;
import io.atlasj.workspec.split.Splitter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On the real quickstart matrix (bundled Bitstamp, 5-minute rows with gaps): no training row's label window reaches
 * the validation or test window under any split, and the scaler and percentile boundaries see training rows only.
 */
class SplitLeakageTest {
    static final long BAR = 300_000L;
    static final int HORIZON = 3; // UpDown(3)
    @TempDir
    static Path dir;
    static FeatureMatrix m;

    @BeforeAll
    static void build() throws Exception {
        try (MarketDataStore store = MarketDataStore.open(dir)) {
            new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("b"))), BundledData.options(),
                    ImportJob.Listener.NONE);
            m = new FeatureSetBuilder(SeriesSource.of(store)).build(
                    FeatureSetYaml.read(Path.of("../configs/featuresets/quickstart.yaml")), Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
        }
    }

    static List<SplitPolicy> policies() {
        return List.of(new SplitPolicy.Chronological(0.6, 0.2, 0.2, 0),
                SplitPolicy.Chronological.byDates(java.time.Instant.parse("2013-11-29T12:00:00Z").toEpochMilli(),
                        java.time.Instant.parse("2013-11-30T12:00:00Z").toEpochMilli(), 0),
                new SplitPolicy.WalkForward(false, 400, 100, 100, 0.2, 0),
                new SplitPolicy.WalkForward(true, 400, 100, 150, 0.25, 2),
                new SplitPolicy.PurgedKFold(5, 6, 0.2),
                // fold 1's validation: the rows before its test block and, topped up, the last rows of the data
                new SplitPolicy.PurgedKFold(8, 6, 0.2));
    }

    @Test
    void noTrainingLabelWindowOverlapsAnEvaluationWindow() {
        long[] t = m.time();
        for (SplitPolicy p : policies()) {
            List<Fold> folds = Splitter.folds(t, BAR, HORIZON, p);
            assertThat(folds).as(p.toString()).isNotEmpty();
            for (Fold f : folds) {
                assertThat(f.train()).as("%s fold %d", p, f.index()).isNotEmpty();
                assertThat(f.test()).isNotEmpty();
                long testStart = t[f.test()[0]];
                long testEnd = t[f.test()[f.test().length - 1]] + BAR;
                for (int i : f.train()) {
                    long labelEnd = t[i] + (HORIZON + 1) * BAR; // close of the bar HORIZON bars later
                    boolean before = t[i] < testStart;
                    if (before) {
                        assertThat(labelEnd).as("%s fold %d: train row %d's label reaches the test window", p, f.index(), i)
                                .isLessThanOrEqualTo(testStart + BAR);
                        assertThat(t[i] + HORIZON * BAR).isLessThan(testStart);
                    } else {
                        assertThat(t[i]).as("%s: a training row inside the test block", p).isGreaterThanOrEqualTo(testEnd);
                    }
                    for (int v : f.validation()) {
                        assertThat(v).isNotEqualTo(i);
                    }
                }
                // every training row's label ends before the next evaluated row after it (validation or test, of any
                // block) opens, and every validation row's before the next test row: by time and by rows
                boolean[] evaluated = new boolean[t.length];
                boolean[] tested = new boolean[t.length];
                Arrays.stream(f.validation()).forEach(i -> evaluated[i] = true);
                Arrays.stream(f.test()).forEach(i -> evaluated[i] = tested[i] = true);
                for (int[] part : List.of(f.train(), f.validation())) {
                    boolean[] after = part == f.train() ? evaluated : tested;
                    for (int i : part) {
                        int j = i + 1;
                        while (j < t.length && !after[j]) {
                            j++;
                        }
                        if (j < t.length) {
                            assertThat(t[i] + HORIZON * BAR).as("%s fold %d: row %d's label reaches row %d", p,
                                    f.index(), i, j).isLessThan(t[j]);
                            assertThat(i + HORIZON).as("%s fold %d: row %d, %d rows before row %d", p, f.index(), i,
                                    HORIZON, j).isLessThan(j);
                        }
                    }
                }
                if (p instanceof SplitPolicy.PurgedKFold k && k.k() == 8 && f.index() == 1) {
                    assertThat(f.validation()[f.validation().length - 1]).as("validation topped up at the end")
                            .isEqualTo(t.length - 1);
                }
                // no row is in two parts
                int[] all = IntStream.concat(IntStream.concat(Arrays.stream(f.train()), Arrays.stream(f.validation())),
                        Arrays.stream(f.test())).toArray();
                assertThat(Arrays.stream(all).distinct().count()).isEqualTo(all.length);
            }
            if (p instanceof SplitPolicy.PurgedKFold k) {
                // embargo: the k rows right after a test block are not trained on
                Fold f = folds.get(1);
                int hi = f.test()[f.test().length - 1];
                for (int e = 1; e <= k.embargo(); e++) {
                    final int row = hi + e;
                    assertThat(Arrays.stream(f.train()).anyMatch(x -> x == row)).isFalse();
                }
                assertThat(Arrays.stream(f.train()).anyMatch(x -> x == hi + k.embargo() + 1)).isTrue();
            }
        }
    }

    /**
     * Purged k-fold's parts equal their definition written out plainly with lists and set membership (the way the
     * splitter was first written, whose quadratic time took 40 s a fold on 337,000 rows): test block j; a pool of the
     * rows neither in it, nor purged before it, nor embargoed or overlapping after it; validation the pool's last
     * rows before the block, topped up by its last rows after it; training the rest of the pool, less rows whose label
     * straddles validation's start; then every part purged against the parts evaluated after it.
     */
    @Test
    void purgedKFoldPartsEqualTheirPlainDefinition() {
        long[] t = m.time();
        int n = t.length;
        long reach = HORIZON * BAR;
        for (SplitPolicy.PurgedKFold k : List.of(new SplitPolicy.PurgedKFold(5, 6, 0.2),
                new SplitPolicy.PurgedKFold(8, 6, 0.2), new SplitPolicy.PurgedKFold(3, 0, 0.35),
                new SplitPolicy.PurgedKFold(4, 12, 0.0))) {
            List<Fold> folds = Splitter.folds(t, BAR, HORIZON, k);
            assertThat(folds).hasSize(k.k());
            for (int j = 0; j < k.k(); j++) {
                int lo = (int) ((long) n * j / k.k());
                int hi = (int) ((long) n * (j + 1) / k.k());
                List<Integer> pool = new java.util.ArrayList<>();
                for (int i = 0; i < n; i++) {
                    boolean keep = (i < lo && t[i] + reach < t[lo])
                            || (i >= hi + k.embargo() && t[i] >= t[hi - 1] + BAR);
                    if (keep) {
                        pool.add(i);
                    }
                }
                int nVal = (int) Math.floor(pool.size() * k.validation());
                List<Integer> before = pool.stream().filter(i -> i < lo).toList();
                List<Integer> after = pool.stream().filter(i -> i >= hi).toList();
                List<Integer> val = new java.util.ArrayList<>(before.subList(Math.max(0, before.size() - nVal),
                        before.size()));
                int short_ = nVal - val.size();
                val.addAll(after.subList(Math.max(0, after.size() - short_), after.size()));
                long valStart = val.isEmpty() ? Long.MAX_VALUE : t[val.get(0)];
                List<Integer> train = pool.stream().filter(i -> !val.contains(i))
                        .filter(i -> !(t[i] < valStart && t[i] + reach >= valStart)).toList();
                java.util.Set<Integer> test = new java.util.HashSet<>();
                for (int i = lo; i < hi; i++) {
                    test.add(i);
                }
                java.util.Set<Integer> evaluated = new java.util.HashSet<>(test);
                evaluated.addAll(val);
                Fold f = folds.get(j);
                assertThat(f.test()).as("%s fold %d test", k, j).containsExactly(IntStream.range(lo, hi).toArray());
                assertThat(f.validation()).as("%s fold %d validation", k, j)
                        .containsExactly(val.stream().sorted().filter(i -> clearOf(i, test, t, reach))
                                .mapToInt(Integer::intValue).toArray());
                assertThat(f.train()).as("%s fold %d training", k, j)
                        .containsExactly(train.stream().filter(i -> clearOf(i, evaluated, t, reach))
                                .mapToInt(Integer::intValue).toArray());
                assertThat(f.train().length).as("%s fold %d keeps most rows", k, j)
                        .isGreaterThan((int) (0.5 * (n - (hi - lo)) * (1 - k.validation())));
            }
        }
    }

    /** Row i's label ends before the first row of {@code later} after it opens, by time and by rows. */
    private static boolean clearOf(int i, java.util.Set<Integer> later, long[] t, long reach) {
        for (int j = i + 1; j < t.length; j++) {
            if (later.contains(j)) {
                return t[i] + reach < t[j] && i + HORIZON < j;
            }
        }
        return true;
    }

    /**
     * Under {@code gaps: bridge} a label is computed across a gap by rows: the last rows before a weekend reach the
     * Monday bars. Purging by time alone kept them in training when validation starts on Monday; by rows too, they go.
     */
    @Test
    void aLabelBridgedAcrossAGapIsPurgedByRows() {
        long hour = 3_600_000L;
        long friday = java.time.Instant.parse("2024-03-01T00:00:00Z").toEpochMilli();
        long[] t = new long[48];
        for (int i = 0; i < 24; i++) {
            t[i] = friday + i * hour;            // Friday's hours
            t[24 + i] = friday + (72 + i) * hour; // Monday's
        }
        int h = 4;
        Fold f = Splitter.folds(t, hour, h, SplitPolicy.Chronological.byDates(t[24], t[36], 0)).get(0);
        // rows 20..23 (Friday 20:00 to 23:00) have bridged labels ending on Monday's first bars
        assertThat(f.train()).containsExactly(IntStream.range(0, 20).toArray());
        assertThat(f.validation()).containsExactly(IntStream.range(24, 32).toArray());
    }

    /** Overlapping walk-forward test blocks would count the rows they share twice in every metric: refused. */
    @Test
    void walkForwardTestBlocksDoNotOverlap() {
        SplitPolicy.WalkForward overlapping = new SplitPolicy.WalkForward(false, 400, 100, 50, 0.2, 0); // old results read
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Splitter.folds(m.time(), BAR, HORIZON, overlapping))
                .hasMessageContaining("step (50 rows) is below its test block (100 rows)")
                .hasMessageContaining("give step >= test");
        // a spec read for a new run refuses it at its line; one read back from a run's journal still reads
        String yaml = """
                name: old
                units:
                  - name: u
                    featureset: quickstart
                    dataset: {task: classification, label: "UpDown(3)", classes: {threshold: 0.001}}
                    split: {type: walk-forward, window: rolling, train: 400, test: 100, step: 50}
                    models:
                      - {name: d, type: logistic}
                """;
        FeaturesetLocator sets = FeaturesetLocator.beside(Path.of("../configs/workspecs/x.yaml"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WorkSpecYaml.read("old.yaml", yaml, sets, false))
                .hasMessageContaining("old.yaml:6:").hasMessageContaining("give step >= test")
                .hasMessageContaining("old.yaml:5:").hasMessageContaining("is classes already");
        assertThat(WorkSpecYaml.readSubmitted("the run's journal", yaml, sets).units().get(0).split())
                .isEqualTo(overlapping);
    }

    @Test
    void theScalerAndClassBoundariesNeverSeeValidationOrTestRows() {
        Fold f = Splitter.folds(m.time(), BAR, HORIZON, policies().get(0)).get(0);
        assertThat(Splitter.folds(m.time(), BAR, HORIZON, policies().get(1)).get(0).validation()).isNotEmpty();
        double[][] x = m.features();
        for (var kind : List.of(DatasetOptions.Scaling.ZSCORE, DatasetOptions.Scaling.ROBUST)) {
            Scaler s = Scaler.fit(x, f.train(), kind);
            // wreck every validation and test value: the fitted parameters must not move
            double[][] wrecked = new double[x.length][];
            for (int c = 0; c < x.length; c++) {
                wrecked[c] = x[c].clone();
                for (int i : f.validation()) {
                    wrecked[c][i] = 1e9;
                }
                for (int i : f.test()) {
                    wrecked[c][i] = -1e9;
                }
            }
            Scaler again = Scaler.fit(wrecked, f.train(), kind);
            assertThat(again.center()).containsExactly(s.center());
            assertThat(again.scale()).containsExactly(s.scale());
            if (kind == DatasetOptions.Scaling.ZSCORE) {
                // and equal to the mean and sample std of the training rows, computed here
                double[] col = Arrays.stream(f.train()).mapToDouble(i -> x[5][i]).toArray();
                double mean = Arrays.stream(col).average().orElseThrow();
                double sd = Math.sqrt(Arrays.stream(col).map(v -> (v - mean) * (v - mean)).sum() / (col.length - 1));
                assertThat(s.center()[5]).isCloseTo(mean, within(1e-9));
                assertThat(s.scale()[5]).isCloseTo(sd, within(1e-9));
                // scaled training rows have mean 0 and std 1
                double[] scaled = s.apply(x)[5];
                assertThat(Arrays.stream(f.train()).mapToDouble(i -> scaled[i]).average().orElseThrow()).isCloseTo(0, within(1e-9));
            }
        }
        double[] label = m.label(m.labelIds().get(2)); // ThreeClassPercentile values: future returns
        double[] b = Scaler.fitBoundaries(label, f.train(), 33.333, 66.667);
        double[] wrecked = label.clone();
        for (int i : f.test()) {
            wrecked[i] = 5;
        }
        assertThat(Scaler.fitBoundaries(wrecked, f.train(), 33.333, 66.667)).containsExactly(b);
        long[] counts = new long[3];
        for (int i : f.train()) {
            counts[Scaler.classify(label[i], b)]++;
        }
        // terciles of the training part: about a third each
        for (long c : counts) {
            assertThat((double) c / f.train().length).isBetween(0.28, 0.39);
        }
    }
}
