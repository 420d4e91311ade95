package io.atlasj.trainer.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.features.set.FeatureMatrix;
import io.atlasj.features.set.FeatureSetBuilder;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.trainer.local.LocalRunner;
import io.atlasj.trainer.model.Dl4jTrainer;
import io.atlasj.trainer.model.Predictor;
import io.atlasj.workspec.Expander;
import io.atlasj.workspec.FeaturesetLocator;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkSpecYaml;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training/serving equality on the bundled data: a runner replaying the test period of trained models computes
 * bit-identical feature rows to the batch build the models were trained on, predicts what training stored for those
 * rows, and matches each prediction to the outcome training held as the test row's actual value. A classifier by
 * threshold-free classes, one by percentile boundaries fitted on training rows, a regression (whose output is
 * un-scaled), an LSTM and a BiLSTM (which read windows of rows) are served.
 */
class LiveServingEqualityTest {
    @TempDir
    static Path dir;
    static AtlasHome home;

    static final String SPEC = """
            name: serve
            execution: {slots: 2}
            units:
              - name: direction
                featureset: quickstart
                dataset: {task: classification, label: "UpDown(3)", scaling: zscore}
                split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                models:
                  - name: dnn
                    type: dnn
                    hidden: [[16], [8], [4]]
                    training: {epochs: 3, lr: 0.003}
                  - name: lstm
                    type: lstm
                    hidden: [8]
                    sequenceLength: 6
                    training: {epochs: 2, lr: 0.003}
                  - name: bilstm
                    type: bilstm
                    hidden: [6]
                    sequenceLength: 4
                    training: {epochs: 2, lr: 0.003}
                  - name: transformer
                    type: transformer
                    dModel: 8
                    heads: 2
                    layers: 1
                    ffDim: 16
                    sequenceLength: 12
                    training: {epochs: 2, lr: 0.003, batchSize: 64}
                  - name: multi-task
                    type: multi-task
                    hidden: [[8]]
                    training: {epochs: 2, lr: 0.003}
                  - {name: gbm, type: gbm, rounds: 60, eta: 0.1, maxDepth: 4}
                  - {name: vote, type: ensemble, members: [dnn, lstm, gbm], vote: majority}
                  - {name: confident, type: ensemble, members: [dnn, transformer, gbm], vote: max-confidence}
                  - {name: sequences, type: ensemble, members: [lstm, transformer], vote: majority}
              - name: barrier
                featureset: multi-timeframe
                dataset: {task: classification, label: "TripleBarrier(12, 0.005, 0.005)", scaling: zscore}
                split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                models:
                  - name: hybrid
                    type: hybrid-transformer
                    dModel: 8
                    heads: 2
                    layers: 1
                    timeframes: [5m, 15m, 1h]
                    windowLength: 4
                    training: {epochs: 2, lr: 0.003, batchSize: 64}
              - name: swings
                featureset:
                  name: swings
                  base: {market: "bitstamp:btc_usd", timeframe: 5m}
                  features: ["LogReturns()", "LogReturns().lookback(3)", "Volatility(12)", "RSI(14)", "StochK(14)",
                             "BollingerPctB(20, 2)", "Body()", "UpperWick()", "LowerWick()"]
                  labels: ["NextSwing(12, 2)"]
                dataset: {task: classification, label: "NextSwing(12, 2)", scaling: zscore}
                split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                models:
                  - name: dnn
                    type: dnn
                    hidden: [[16]]
                    training: {epochs: 3, lr: 0.003}
              - name: terciles
                featureset: quickstart
                dataset: {task: classification, label: "ThreeClassPercentile(3)", classes: {percentiles: [33.333, 66.667]}}
                split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                models:
                  - name: logistic
                    type: logistic
                    training: {epochs: 3}
              - name: returns
                featureset: quickstart
                dataset: {task: regression, label: "FutureReturn(1)", scaling: robust}
                split: {type: chronological, train: 0.6, validation: 0.2, test: 0.2}
                models:
                  - name: linear
                    type: linear
                    training: {epochs: 3}
                  - {name: gbm, type: gbm, rounds: 40, eta: 0.1, maxDepth: 3}
            """;

    @BeforeAll
    static void train() throws Exception {
        home = trained(dir, "serve.yaml", SPEC);
    }

    /** A home under {@code dir} with the bundled data imported and every model of {@code spec} trained, all done. */
    static AtlasHome trained(Path dir, String name, String spec) throws Exception {
        WorkSpec ws = WorkSpecYaml.read(name, spec, FeaturesetLocator.beside(Path.of("../configs/workspecs/x.yaml")),
                false);
        AtlasHome home = new AtlasHome(dir.resolve("home"));
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            new ImportJob(store).run(List.of(BundledData.extract(dir.resolve("b"))), BundledData.options(),
                    ImportJob.Listener.NONE);
            for (LocalRunner.Outcome o : new LocalRunner(home, store, new Dl4jTrainer(), 2).run(ws, Expander.expand(ws),
                    new LocalRunner.Listener() {
                    })) {
                assertThat(o.result().status()).as(o.result().failure()).isEqualTo("done");
            }
        }
        return home;
    }

    /**
     * The runner's rows are the batch build's bit for bit: over all history, and over its default lead, the
     * featureset's reach ({@link FeatureSetBuilder#reachMillis}), from which every kernel computes what it computes over
     * all data ({@code StartInvariancePropertyTest}). The quickstart's reach (its MACD's two anchored recursions) is
     * longer than the bundled week, so the swings model's featureset shows a lead that begins after the first bar.
     */
    @Test
    void theRunnersFeatureRowsAreTheBatchBuilds() throws Exception {
        LiveModel m = LiveModel.find(home, "serve/direction/dnn#0");
        LiveModel swings = LiveModel.find(home, "serve/swings/dnn#0");
        assertThat(m.warnings()).isEmpty();
        long bar = m.baseTimeframe().millis();
        long[] test = m.test().time();
        assertThat(test.length).isGreaterThan(200);
        FeatureMatrix batch;
        FeatureMatrix swingsBatch;
        BarWindow window;
        BarWindow swingsWindow;
        long lead;
        long swingsLead;
        long all;
        long first;
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            FeatureSetBuilder b = new FeatureSetBuilder(SeriesSource.of(store));
            batch = b.build(m.featureset(), Long.MIN_VALUE, Long.MAX_VALUE);
            swingsBatch = b.build(swings.featureset(), Long.MIN_VALUE, Long.MAX_VALUE);
            FeatureSetBuilder.Resolved r = b.resolve(m.featureset());
            FeatureSetBuilder.Resolved rs = b.resolve(swings.featureset());
            lead = LiveRunner.lead(r);
            swingsLead = LiveRunner.lead(rs);
            assertThat(lead).isEqualTo(FeatureSetBuilder.reachMillis(r));
            assertThat(swingsLead).isEqualTo(FeatureSetBuilder.reachMillis(rs));
            first = store.candles(m.featureset().baseMarket(), m.baseTimeframe()).openTime(0);
            all = test[test.length - 1] - first + Timeframe.D1.millis();
            window = new BarWindow(SeriesSource.of(store), r, first - Timeframe.D1.millis(),
                    test[test.length - 1] + 10 * bar);
            swingsWindow = new BarWindow(SeriesSource.of(store), rs, first - Timeframe.D1.millis(),
                    test[test.length - 1] + 10 * bar);
        }
        for (long t : test) {
            int row = Arrays.binarySearch(batch.time(), t);
            assertThat(row).isNotNegative();
            window.advanceTo(t + bar);
            double[] whole = LiveRunner.features(m, window, all, t);
            double[] live = LiveRunner.features(m, window, lead, t);
            assertThat(whole).as("row at %d", t).isNotNull();
            assertThat(live).as("row at %d", t).isNotNull();
            for (int c = 0; c < whole.length; c++) {
                double expected = batch.features()[c][row];
                // bit for bit: Double.equals compares the bits
                assertThat(whole[c]).as("%s at %d: live %s, batch %s", batch.featureIds().get(c), t, whole[c],
                        expected).isEqualTo(expected);
                assertThat(live[c]).as("%s at %d over the default lead", batch.featureIds().get(c), t)
                        .isEqualTo(expected);
            }
        }
        int afterFirst = 0;
        for (long t : test) {
            int row = Arrays.binarySearch(swingsBatch.time(), t);
            swingsWindow.advanceTo(t + bar);
            double[] live = LiveRunner.features(swings, swingsWindow, swingsLead, t);
            assertThat(live == null).as("a row at %d in one and not the other", t).isEqualTo(row < 0);
            if (live == null) {
                continue;
            }
            afterFirst += t - swingsLead > first ? 1 : 0;
            for (int c = 0; c < live.length; c++) {
                assertThat(live[c]).as("%s at %d over the default lead", swingsBatch.featureIds().get(c), t)
                        .isEqualTo(swingsBatch.features()[c][row]);
            }
        }
        assertThat(afterFirst).as("rows whose lead begins after the first bar").isGreaterThan(50);
        // and nothing from the future: the bar being predicted must have closed; one bar earlier it is not there
        window.advanceTo(test[0] + bar - 1);
        assertThatThrownBy(() -> LiveRunner.features(m, window, lead, test[0])).hasMessageContaining("has none");
    }

    @Test
    void aReplayOfTheTestPeriodPredictsWhatTrainingStoredAndMatchesTheActualOutcomes() throws Exception {
        for (String ref : List.of("serve/direction/dnn#0", "serve/terciles/logistic#0", "serve/returns/linear#0",
                "serve/direction/lstm#0", "serve/direction/bilstm#0", "serve/direction/transformer#0",
                "serve/direction/multi-task#0", "serve/barrier/hybrid#0", "serve/direction/gbm#0",
                "serve/returns/gbm#0", "serve/direction/vote#0", "serve/direction/confident#0",
                "serve/direction/sequences#0")) {
            LiveModel m = LiveModel.find(home, ref);
            if (m.ensemble() == null) {
                // every trained model's result holds each input's permutation importance on its validation part
                ResultsObject stored = io.atlasj.workspec.results.ResultsIo.complete(m.dir()).orElseThrow();
                double[] importance = stored.folds().get(0).importance();
                assertThat(importance).as(ref).hasSize(((List<?>) stored.featureset().get("features")).size());
                assertThat(java.util.Arrays.stream(importance).allMatch(Double::isFinite)).as(ref).isTrue();
                assertThat(java.util.Arrays.stream(importance).max().orElseThrow()).as(ref).isPositive();
            } else {
                // an ensemble is served from its members, each a model of the unit (three dnn sizes, an LSTM or a
                // Transformer, the trees), with its own window of rows (the sequences ensemble: an LSTM and a
                // Transformer), and the LSTM reads fewer of the rows the ensemble gets than the Transformer
                assertThat(m.ensemble().members()).as(ref).hasSize(ref.contains("sequences") ? 2 : 5);
                assertThat(m.ensemble().vote()).isEqualTo(ref.contains("confident") ? "max-confidence" : "majority");
            }
            List<String> lines = new ArrayList<>();
            LiveRunner.Outcome o = LiveRunner.run(home, new LiveRunner.Options(ref, null, null, 0, null, -1), lines::add);
            ResultsObject.Split test = m.test();
            assertThat(o.predicted()).as(ref).isEqualTo(test.time().length);
            assertThat(o.skipped()).isZero();
            try (LiveJournal j = LiveJournal.open(home.live())) {
                List<LiveJournal.Entry> entries = j.entries(ref, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
                List<LiveJournal.Frame> frames = j.frames(ref, Long.MIN_VALUE, Long.MAX_VALUE);
                assertThat(entries).hasSize(test.time().length);
                int matched = 0;
                double scale = Math.sqrt(java.util.Arrays.stream(test.predicted()).map(v -> v * v).average().orElse(0));
                for (int i = 0; i < entries.size(); i++) {
                    LiveJournal.Entry e = entries.get(i);
                    assertThat(e.barTime()).isEqualTo(test.time()[i]);
                    if (m.classifies()) {
                        assertThat(e.predicted()).as("%s bar %d", ref, i).isEqualTo(test.predicted()[i]);
                        // the stored most probable class's probability is the others' complement (result schema 8):
                        // within 1e-6 of the model's own
                        for (int c = 0; c < e.probabilities().length; c++) {
                            assertThat(e.probabilities()[c]).isCloseTo(test.probabilities().get(i, c),
                                    org.assertj.core.data.Offset.offset(2e-6));
                        }
                    } else {
                        // a network: float32 sums in another order (the trained pack's loops, the saved network's
                        // product), equal to 1e-5 of the output's scale, far below any wrong scaler, feature or row;
                        // trees sum alike both ways
                        double tol = m.type() == io.atlasj.workspec.ModelType.GBM
                                ? 1e-6 * Math.max(1e-4, Math.abs(test.predicted()[i]))
                                : 1e-5 * Math.max(scale, Math.abs(test.predicted()[i]));
                        assertThat(e.predicted()).as("%s bar %d", ref, i).isCloseTo(test.predicted()[i],
                                org.assertj.core.data.Offset.offset(tol));
                    }
                    LiveJournal.Frame f = frames.get(i);
                    assertThat(f.barTime()).isEqualTo(e.barTime());
                    assertThat(f.inputTo()).isEqualTo(e.barTime() + m.baseTimeframe().millis());
                    if (f.matchedAt() != null) {
                        assertThat(f.outcome()).as("%s outcome at %d", ref, i).isNotNull();
                        if (m.classifies()) {
                            assertThat(f.outcome()).isEqualTo(test.actual()[i]);
                        } else {
                            assertThat(f.outcome()).isCloseTo(test.actual()[i], org.assertj.core.data.Offset.offset(1e-12));
                        }
                        matched++;
                    }
                }
                // every frame whose horizon ended within the replay has its outcome
                int horizon = m.label().horizon() + 1;
                assertThat(matched).as(ref).isEqualTo(entries.size() - horizon + 1);
            }
            // run again: everything is journaled already, nothing is predicted twice
            LiveRunner.Outcome again = LiveRunner.run(home, new LiveRunner.Options(ref, null, null, 0, null, -1),
                    lines::add);
            assertThat(again.predicted()).isZero();
            assertThat(lines).anyMatch(l -> l.contains("resuming after"));
        }
    }

    /**
     * No bar is left out without a record: a replay of the whole bundled week, whose 5-minute bars have holes (minutes
     * without a Bitstamp trade), journals every base-bar slot from its first entry to its last once, as an entry of its
     * own (a prediction, or why there is none) or inside a journaled run of missing bars, and those runs are exactly
     * the slots the store has no bar for. A second run records none of it again.
     */
    @Test
    void everyBarSlotOfAReplayIsAnEntryOrARecordedRunOfMissingBars() throws Exception {
        // a copy of the home without its journal: this replay's entries are its own, whatever ran before
        AtlasHome h = new AtlasHome(dir.resolve("missing-home"));
        try (var files = Files.walk(home.root())) {
            for (Path f : files.toList()) {
                Path rel = home.root().relativize(f);
                if (rel.startsWith(home.root().relativize(home.live()))) {
                    continue;
                }
                Path to = h.root().resolve(rel.toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        String ref = "serve/terciles/logistic#0";
        LiveModel m = LiveModel.find(h, ref);
        long base = m.baseTimeframe().millis();
        List<Long> stored;
        try (MarketDataStore s = MarketDataStore.open(h.marketData())) {
            stored = Feed.baseBars(s, m, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4);
        }
        long holes = 0;
        for (int i = 1; i < stored.size(); i++) {
            holes += (stored.get(i) - stored.get(i - 1)) / base - 1;
        }
        long expectedMissing = holes;
        assertThat(expectedMissing).as("the bundled week's 5-minute bars have holes").isPositive();
        List<String> lines = new ArrayList<>();
        LiveRunner.Outcome o = LiveRunner.run(h, new LiveRunner.Options(ref, stored.get(0), Long.MAX_VALUE / 4, 0,
                null, -1), lines::add);
        assertThat(o.missing()).isEqualTo(expectedMissing);
        assertThat(lines).anyMatch(l -> l.contains(expectedMissing + " never given by the feed"));
        try (LiveJournal j = LiveJournal.open(h.live())) {
            List<LiveJournal.Entry> entries = j.entries(ref, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
            List<LiveJournal.Missing> runs = j.missing(ref, Long.MIN_VALUE, Long.MAX_VALUE);
            assertThat(entries.stream().map(LiveJournal.Entry::barTime).toList()).isEqualTo(stored);
            java.util.Set<Long> seen = new java.util.HashSet<>(stored);
            long recorded = 0;
            for (LiveJournal.Missing g : runs) {
                assertThat(g.bars()).isEqualTo((g.to() - g.from()) / base + 1);
                assertThat(g.reason()).contains("no real bar");
                for (long t = g.from(); t <= g.to(); t += base) {
                    assertThat(seen.add(t)).as("bar %d recorded twice", t).isTrue();
                }
                recorded += g.bars();
            }
            assertThat(recorded).isEqualTo(expectedMissing);
            long first = stored.get(0);
            long last = stored.get(stored.size() - 1);
            assertThat(seen).hasSize((int) ((last - first) / base + 1))
                    .allMatch(t -> t >= first && t <= last && (t - first) % base == 0);
            // the runs are rows of `atlas live predictions` too, and `atlas live status` counts them (console tests)
            LiveRunner.Outcome again = LiveRunner.run(h, new LiveRunner.Options(ref, stored.get(0), Long.MAX_VALUE / 4,
                    0, null, -1), lines::add);
            assertThat(again.predicted()).isZero();
            assertThat(again.missing()).isZero();
            assertThat(j.missing(ref, Long.MIN_VALUE, Long.MAX_VALUE)).isEqualTo(runs);
            // bars a replay was not asked for (one run to bar 100, the next from bar 150) are not missing
            String other = "serve/returns/linear#0";
            LiveRunner.run(h, new LiveRunner.Options(other, stored.get(0), stored.get(100), 0, null, -1), lines::add);
            LiveRunner.Outcome later = LiveRunner.run(h, new LiveRunner.Options(other, stored.get(150),
                    Long.MAX_VALUE / 4, 0, null, -1), lines::add);
            long between = 0;
            for (int i = 151; i < stored.size(); i++) {
                between += (stored.get(i) - stored.get(i - 1)) / base - 1;
            }
            assertThat(later.missing()).isEqualTo(between);
            assertThat(j.missing(other, stored.get(99), stored.get(150))).isEmpty();
        }
    }

    /**
     * Event-driven training on the replayed test period: every 24 matched outcomes the model is fine-tuned on their
     * inputs fetched back by reference into a new version, each frame learned from once; a rollback serves the
     * trained version again from the next bar on, and fine-tuning then branches from it.
     */
    @Test
    void fineTuningMakesVersionsFromMatchedOutcomesAndARollbackServesAnEarlierOne() throws Exception {
        String ref = "serve/direction/dnn#1";
        LiveModel m = LiveModel.find(home, ref);
        long[] test = m.test().time();
        int half = test.length / 2;
        FineTuner.FineTune ft = new FineTuner.FineTune(24, 1e-3, 2, 64);
        LiveRunner.Outcome first = LiveRunner.run(home, new LiveRunner.Options(ref, null, test[half], 0, null, -1, ft),
                l -> { });
        assertThat(first.predicted()).isEqualTo(half);
        int horizon = m.label().horizon();
        assertThat(first.versionsMade()).isEqualTo((half - horizon) / 24);
        try (LiveJournal j = LiveJournal.open(home.live())) {
            List<LiveJournal.Version> versions = j.versions(ref);
            assertThat(versions).hasSize(1 + first.versionsMade());
            assertThat(versions.get(0).parent()).isNull();
            for (int v = 1; v < versions.size(); v++) {
                assertThat(versions.get(v).parent()).isEqualTo(versions.get(v - 1).version());
                assertThat(versions.get(v).source()).contains("24 matched outcomes");
            }
            assertThat(j.active(ref).orElseThrow().version()).isEqualTo(versions.get(versions.size() - 1).version());
            // a fine-tuned version holds its optimizer's state, so a restarted runner fine-tunes on with its moments
            try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(versions.get(versions.size() - 1).file())) {
                assertThat(zip.getEntry("updaterState.bin")).as("the version's optimizer state").isNotNull();
            }
            assertThat(j.trainingEvents(ref)).isEqualTo(24L * first.versionsMade());
            // predictions after the first fine-tuning come from the new versions, which are not the trained model
            List<LiveJournal.Entry> entries = j.entries(ref, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
            assertThat(entries.get(0).version()).isEqualTo(1);
            double moved = 0;
            for (int i = 0; i < entries.size(); i++) {
                LiveJournal.Entry e = entries.get(i);
                if (e.version() > 1) {
                    moved = Math.max(moved, Math.abs(e.probabilities()[0] - m.test().probabilities().get(i, 0)));
                } else {
                    assertThat(e.probabilities()[0]).isCloseTo(m.test().probabilities().get(i, 0),
                            org.assertj.core.data.Offset.offset(2e-6));
                }
            }
            assertThat(moved).as("fine-tuned versions predict differently").isGreaterThan(1e-5);
            j.activate(ref, 1);
            // a fine-tuning step that ends after the rollback is dropped: the rollback wins
            int last = versions.get(versions.size() - 1).version();
            assertThat(j.fineTuned(ref, last + 1, m.key(), last, "0".repeat(64), "none", "a late step",
                    List.of(test[0]))).isNull();
            assertThat(j.versions(ref)).hasSize(versions.size());
            assertThat(j.active(ref).orElseThrow().version()).isEqualTo(1);
        }
        LiveRunner.Outcome second = LiveRunner.run(home, new LiveRunner.Options(ref, test[half], null, 0, null, -1, ft),
                l -> { });
        assertThat(second.predicted()).isEqualTo(test.length - half);
        try (LiveJournal j = LiveJournal.open(home.live())) {
            LiveJournal.Entry resumed = j.entries(ref, test[half], Long.MAX_VALUE, 1).get(0);
            assertThat(resumed.version()).isEqualTo(1);
            assertThat(resumed.probabilities()[0]).isCloseTo(m.test().probabilities().get(half, 0),
                    org.assertj.core.data.Offset.offset(2e-6)); // stored as the complement (schema 8)
            List<LiveJournal.Version> versions = j.versions(ref);
            LiveJournal.Version branch = versions.get(first.versionsMade() + 1);
            assertThat(branch.parent()).as("fine-tuning branches from the rolled-back version").isEqualTo(1);
            // each matched frame is learned from at most once, and all but the last few were
            long matched = j.frames(ref, Long.MIN_VALUE, Long.MAX_VALUE).stream().filter(f -> f.outcome() != null)
                    .count();
            assertThat(j.trainingEvents(ref)).isBetween(matched - 23, matched);
            assertThat(j.untrained(ref)).hasSize((int) (matched - j.trainingEvents(ref)));
        }
    }

    /**
     * The SameDiff networks fine-tune too: an LSTM, a transformer, the hybrid and a multi-task network learn from their
     * matched outcomes' windows,
     * fetched back by reference, into versions that predict differently, each a SameDiff model file holding its Adam
     * moments; a runner started again loads the newest version with them and goes on ({@link #aChangedModelFileIsRefused}
     * checks the models that do not fine-tune are refused).
     */
    @Test
    void sequenceNetworksFineTuneOnTheirWindows() throws Exception {
        AtlasHome home = copyOfTrained("tuned");
        // a step whose loss is not finite (a learning rate of 1e30) makes no version and leaves the model as it was
        String bilstm = "serve/direction/bilstm#0";
        LiveModel b = LiveModel.find(home, bilstm);
        List<String> said = new ArrayList<>();
        LiveRunner.Outcome wild = LiveRunner.run(home, new LiveRunner.Options(bilstm, null, null, 0, null, -1,
                new FineTuner.FineTune(24, 1e30, 2, 32)), said::add);
        assertThat(wild.versionsMade()).isZero();
        assertThat(said).anyMatch(l -> l.contains("fine-tuning at") && l.contains("the loss was not finite"));
        try (LiveJournal j = LiveJournal.open(home.live())) {
            List<LiveJournal.Entry> entries = j.entries(bilstm, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
            assertThat(entries).hasSize(b.test().time().length);
            for (int i = 0; i < entries.size(); i++) {
                assertThat(entries.get(i).probabilities()[0]).as("bar %d", i)
                        .isCloseTo(b.test().probabilities().get(i, 0), org.assertj.core.data.Offset.offset(2e-6));
            }
            assertThat(j.trainingEvents(bilstm)).isZero();
        }
        FineTuner.FineTune ft = new FineTuner.FineTune(24, 1e-3, 2, 32);
        for (String ref : List.of("serve/direction/lstm#0", "serve/direction/transformer#0",
                "serve/barrier/hybrid#0", "serve/direction/multi-task#0")) {
            LiveModel m = LiveModel.find(home, ref);
            long[] test = m.test().time();
            int part = test.length * 2 / 3;
            LiveRunner.Outcome o = LiveRunner.run(home, new LiveRunner.Options(ref, null, test[part], 0, null, -1, ft),
                    l -> { });
            assertThat(o.versionsMade()).as(ref).isGreaterThan(1);
            try (LiveJournal j = LiveJournal.open(home.live())) {
                List<LiveJournal.Version> versions = j.versions(ref);
                LiveJournal.Version newest = versions.get(versions.size() - 1);
                assertThat(newest.source()).contains("24 matched outcomes");
                try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(newest.file())) {
                    assertThat(zip.getEntry("arch.json")).as("a SameDiff model file").isNotNull();
                    assertThat(zip.stream().filter(e -> e.getName().startsWith("updater/")).count())
                            .as("with its Adam moments").isPositive();
                }
                // the first version starts Adam afresh (the trained file's moments are its last epoch's, its weights
                // its best epoch's); each later one goes on from the version before it
                assertThat(iteration(m.file())).as(ref).isGreaterThan(ft.steps());
                for (int v = 1; v < versions.size(); v++) {
                    assertThat(iteration(Path.of(versions.get(v).file()))).as("%s version %d", ref, v + 1)
                            .isEqualTo(v * ft.steps());
                }
                List<LiveJournal.Entry> entries = j.entries(ref, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
                double moved = 0;
                for (int i = 0; i < entries.size(); i++) {
                    LiveJournal.Entry e = entries.get(i);
                    int row = Arrays.binarySearch(test, e.barTime());
                    if (e.version() > 1) {
                        moved = Math.max(moved, Math.abs(e.probabilities()[0] - m.test().probabilities().get(row, 0)));
                    } else {
                        assertThat(e.probabilities()[0]).as("%s bar %d, the trained version", ref, i)
                                .isCloseTo(m.test().probabilities().get(row, 0), org.assertj.core.data.Offset.offset(2e-6));
                    }
                }
                assertThat(moved).as("%s: fine-tuned versions predict differently", ref).isGreaterThan(1e-5);
                // the hybrid's next-candle heads learn from the rows the windows hold; a multi-task network's other
                // heads from their labels, made targets as training made them (FutureReturn(1) z-scored, the
                // percentile classes of ThreeClassPercentile(3) by the boundaries its result records)
                if (ref.contains("hybrid")) {
                    assertThat(param(Path.of(newest.file()), "head1_W")).as("the hybrid's first next-candle head")
                            .isNotEqualTo(param(m.file(), "head1_W"));
                }
                if (ref.contains("multi-task")) {
                    List<io.atlasj.trainer.data.PreparedData.Target> heads = m.otherHeads();
                    assertThat(heads).extracting(io.atlasj.trainer.data.PreparedData.Target::classes)
                            .containsExactly(0, 3);
                    assertThat(heads.get(1).boundaries()).hasSize(2);
                    assertThat(heads.get(0).scale()).isPositive();
                    for (String head : List.of("head0_W", "head1_W", "head2_W")) {
                        assertThat(param(Path.of(newest.file()), head)).as("%s learned", head)
                                .isNotEqualTo(param(m.file(), head));
                    }
                }
            }
            // started again: the newest version, loaded with its moments, is served and fine-tuned on
            LiveRunner.Outcome again = LiveRunner.run(home, new LiveRunner.Options(ref, test[part], null, 0, null, -1,
                    ft), l -> { });
            assertThat(again.predicted()).isEqualTo(test.length - part);
            try (LiveJournal j = LiveJournal.open(home.live())) {
                LiveJournal.Entry resumed = j.entries(ref, test[part], Long.MAX_VALUE, 1).get(0);
                assertThat(resumed.version()).isEqualTo(1 + o.versionsMade());
                LiveJournal.Version next = j.versions(ref).get(o.versionsMade() + 1);
                assertThat(next.parent()).isEqualTo(1 + o.versionsMade());
                // loaded with its moments: Adam's step count goes on across the restart
                assertThat(iteration(Path.of(next.file()))).isEqualTo((o.versionsMade() + 1) * ft.steps());
            }
        }
    }

    /**
     * A home of its own under {@code name} (the trained runs and the bars, no live journal), for a test that fine-tunes
     * models the other tests replay.
     */
    private static AtlasHome copyOfTrained(String name) throws Exception {
        Path from = LiveServingEqualityTest.home.root();
        AtlasHome home = new AtlasHome(dir.resolve(name));
        try (java.util.stream.Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.filter(p -> !p.startsWith(LiveServingEqualityTest.home.live())).toList()) {
                Path target = home.root().resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().endsWith(".lock")) {
                    Files.copy(p, target);
                }
            }
        }
        return home;
    }

    /**
     * Gradient-boosted trees fine-tune by boosting more rounds on their matched outcomes (at the trees' default
     * learning rate): each version is an XGBoost file with the trained model's served rounds and its fine-tunings'
     * rounds (the trees kept after the best round dropped), predicts differently from the trained model, and a runner
     * started again goes on from the newest. A classifier and a regression.
     */
    @Test
    void gradientBoostedTreesFineTuneByBoostingMoreRounds() throws Exception {
        AtlasHome home = copyOfTrained("trees");
        FineTuner.FineTune ft = new FineTuner.FineTune(24, Double.NaN, 2, 32);
        for (String ref : List.of("serve/direction/gbm#0", "serve/returns/gbm#0")) {
            LiveModel m = LiveModel.find(home, ref);
            long[] test = m.test().time();
            int part = test.length * 2 / 3;
            int served = rounds(m.file(), true);
            assertThat(rounds(m.file(), false)).as("%s keeps trees after its best round", ref).isGreaterThan(served);
            LiveRunner.Outcome o = LiveRunner.run(home, new LiveRunner.Options(ref, null, test[part], 0, null, -1, ft),
                    l -> { });
            assertThat(o.versionsMade()).as(ref).isGreaterThan(1);
            try (LiveJournal j = LiveJournal.open(home.live())) {
                List<LiveJournal.Version> versions = j.versions(ref);
                for (int v = 1; v < versions.size(); v++) {
                    Path file = Path.of(versions.get(v).file());
                    assertThat(file.getFileName().toString()).endsWith(".ubj");
                    assertThat(versions.get(v).source()).contains("24 matched outcomes")
                            .contains("lr 0.0100000, 2 boosting round(s) added");
                    assertThat(rounds(file, false)).as("%s version %d", ref, v + 1).isEqualTo(served + v * ft.steps());
                    assertThat(rounds(file, true)).isEqualTo(rounds(file, false));
                }
                List<LiveJournal.Entry> entries = j.entries(ref, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE);
                double moved = 0;
                for (int i = 0; i < entries.size(); i++) {
                    LiveJournal.Entry e = entries.get(i);
                    double stored = m.classifies() ? m.test().probabilities().get(i, 0) : m.test().predicted()[i];
                    double got = m.classifies() ? e.probabilities()[0] : e.predicted();
                    if (e.version() > 1) {
                        moved = Math.max(moved, Math.abs(got - stored));
                    } else {
                        assertThat(got).as("%s bar %d, the trained version", ref, i).isCloseTo(stored,
                                org.assertj.core.data.Offset.offset(1e-6 * Math.max(1, Math.abs(stored))));
                    }
                }
                assertThat(moved).as("%s: fine-tuned versions predict differently", ref).isGreaterThan(1e-5);
            }
            LiveRunner.Outcome again = LiveRunner.run(home, new LiveRunner.Options(ref, test[part], null, 0, null, -1,
                    ft), l -> { });
            assertThat(again.predicted()).isEqualTo(test.length - part);
            try (LiveJournal j = LiveJournal.open(home.live())) {
                assertThat(j.entries(ref, test[part], Long.MAX_VALUE, 1).get(0).version())
                        .isEqualTo(1 + o.versionsMade());
                LiveJournal.Version next = j.versions(ref).get(o.versionsMade() + 1);
                assertThat(next.parent()).isEqualTo(1 + o.versionsMade());
                assertThat(rounds(Path.of(next.file()), false)).isEqualTo(served + (o.versionsMade() + 1) * ft.steps());
            }
        }
    }

    /** The boosting rounds an XGBoost model file holds, or ({@code served}) those that predict (to its best round). */
    private static int rounds(Path modelFile, boolean served) throws Exception {
        ml.dmlc.xgboost4j.java.Booster b = ml.dmlc.xgboost4j.java.XGBoost.loadModel(modelFile.toString());
        try {
            String best = b.getAttr("atlas_best_round");
            return served && best != null ? Integer.parseInt(best) + 1 : b.getNumBoostedRound();
        } finally {
            b.dispose();
        }
    }

    /** The bytes of weight {@code name} in a SameDiff model file. */
    private static byte[] param(Path modelFile, String name) throws Exception {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(modelFile.toFile())) {
            java.util.zip.ZipEntry e = zip.getEntry("params/" + name);
            assertThat(e).as("%s in %s", name, modelFile).isNotNull();
            return zip.getInputStream(e).readAllBytes();
        }
    }

    /** The optimizer step count a SameDiff model file records. */
    private static int iteration(Path modelFile) throws Exception {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(modelFile.toFile())) {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(zip.getInputStream(
                    zip.getEntry("arch.json"))).path("iteration").asInt(-1);
        }
    }

    /**
     * Pivots found bar by bar are the swing highs and lows a direct scan of the stored bars finds, each confirmed
     * exactly its level's bars later; every frame's pivot target of a level is the first pivot of that level after it.
     */
    @Test
    void pivotsAreConfirmedTheirLevelsBarsLaterAndTargetTheFramesBeforeThem() throws Exception {
        String ref = "serve/direction/dnn#2";
        LiveModel m = LiveModel.find(home, ref);
        long ms = m.baseTimeframe().millis();
        long[] test = m.test().time();
        LiveRunner.Outcome o = LiveRunner.run(home, new LiveRunner.Options(ref, null, null, 0, null, -1), l -> { });
        io.atlasj.marketdata.CandleSeries c;
        try (MarketDataStore store = MarketDataStore.open(home.marketData())) {
            c = store.candles(m.featureset().baseMarket(), m.baseTimeframe());
        }
        // a direct scan: bar i is a level-L pivot if the 2L+1 bars around it are adjacent and its high (low) is
        // strictly the highest (lowest); it is confirmed at the close of bar i+L, which must lie in the replay
        java.util.Set<String> expected = new java.util.TreeSet<>();
        java.util.Map<Integer, List<long[]>> byLevel = new java.util.HashMap<>();
        for (int level = 1; level <= 5; level++) {
            byLevel.put(level, new ArrayList<>());
            for (int i = level; i + level < c.size(); i++) {
                if (c.openTime(i + level) - c.openTime(i - level) != 2L * level * ms) {
                    continue;
                }
                long confirmed = c.openTime(i + level) + ms;
                if (confirmed <= test[0] || confirmed > test[test.length - 1] + ms) {
                    continue;
                }
                boolean high = true;
                boolean low = true;
                for (int k = i - level; k <= i + level; k++) {
                    if (k != i) {
                        high &= c.high(i) > c.high(k);
                        low &= c.low(i) < c.low(k);
                    }
                }
                if (high) {
                    expected.add(c.openTime(i) + " L" + level + " +1");
                    byLevel.get(level).add(new long[] {c.openTime(i), 1});
                }
                if (low) {
                    expected.add(c.openTime(i) + " L" + level + " -1");
                    byLevel.get(level).add(new long[] {c.openTime(i), -1});
                }
            }
        }
        try (LiveJournal j = LiveJournal.open(home.live())) {
            java.util.Set<String> found = new java.util.TreeSet<>();
            for (LiveJournal.PivotTarget p : j.pivots(ref)) {
                found.add(p.barTime() + " L" + p.level() + " " + (p.kind() > 0 ? "+1" : "-1"));
            }
            assertThat(found).isEqualTo(expected);
            assertThat(expected).hasSizeGreaterThan(50);
            java.util.Map<String, LiveJournal.PivotTarget> targets = new java.util.HashMap<>();
            j.pivotTargets(ref).forEach(t -> targets.put(t.barTime() + " " + t.level(), t));
            int checked = 0;
            for (long t : test) {
                for (int level = 1; level <= 5; level++) {
                    long[] next = byLevel.get(level).stream().filter(p -> p[0] > t).min(java.util.Comparator
                            .comparingLong(p -> p[0])).orElse(null);
                    LiveJournal.PivotTarget got = targets.get(t + " " + level);
                    if (next == null) {
                        assertThat(got).isNull();
                    } else {
                        assertThat(got).as("frame %d level %d", t, level).isNotNull();
                        assertThat(got.pivotTime()).isEqualTo(next[0]);
                        checked++;
                    }
                }
            }
            assertThat(checked).isGreaterThan(test.length);
        }
        assertThat(o.predicted()).isEqualTo(test.length);
    }

    /**
     * A model of which swing comes next ({@code NextSwing}) learns as swings confirm: a level-2 swing confirmed at a
     * bar's close decides the frames before it whose horizon reaches it, which are matched then, before their target
     * time, with the label the batch build gives their bars, and fine-tuning (every matched outcome) learns from them
     * at that bar.
     */
    @Test
    void aConfirmedSwingDecidesTheFramesBeforeItAndFineTuningLearnsFromThemAtOnce() throws Exception {
        String ref = "serve/swings/dnn#0";
        LiveModel m = LiveModel.find(home, ref);
        ResultsObject.Split test = m.test();
        long ms = m.baseTimeframe().millis();
        int half = test.time().length / 2;
        java.util.Map<Long, Integer> row = new java.util.HashMap<>();
        for (int i = 0; i < test.time().length; i++) {
            row.put(test.time()[i], i);
        }
        LiveRunner.Outcome o = LiveRunner.run(home, new LiveRunner.Options(ref, null, test.time()[half], 0, null, -1,
                new FineTuner.FineTune(1, 1e-3, 1, 4)), l -> { });
        assertThat(o.predicted()).isEqualTo(half);
        long lastClose = test.time()[half - 1] + ms;
        try (LiveJournal j = LiveJournal.open(home.live())) {
            java.util.Set<Long> learned = new java.util.HashSet<>();
            j.learned(ref, Integer.MAX_VALUE).forEach(f -> learned.add(f.barTime()));
            int matched = 0;
            int early = 0;
            for (LiveJournal.Frame f : j.frames(ref, Long.MIN_VALUE, Long.MAX_VALUE)) {
                if (f.matchedAt() == null) {
                    continue;
                }
                matched++;
                // every outcome, matched at its target time or when a swing decided it, is the batch build's label
                assertThat(f.outcome()).as("outcome at %d", f.barTime()).isEqualTo(test.actual()[row.get(f.barTime())]);
                if (f.targetTime() > lastClose) {
                    // decided by a swing (a 1 only from a bar that is both a swing high and a swing low)
                    early++;
                    assertThat(learned).as("learned from when its swing confirmed").contains(f.barTime());
                }
            }
            assertThat(early).as("frames decided by a swing before their horizon ended").isGreaterThan(0);
            assertThat(matched).isEqualTo(half - m.label().horizon() + early);
            assertThat(j.untrained(ref)).isEmpty();
            assertThat(o.versionsMade()).isGreaterThan(0);
        }
    }

    @Test
    void aChangedModelFileIsRefused() throws Exception {
        LiveModel m = LiveModel.find(home, "serve/direction/dnn#0");
        Path copy = dir.resolve("copy");
        Files.createDirectories(copy);
        LiveModel tampered = new LiveModel(m.ref(), m.key(), copy, m.type(), m.featureset(), m.label(), m.dataset(),
                m.center(), m.scale(), m.targetCenter(), m.targetScale(), m.boundaries(), m.modelFile(),
                m.modelSha256(), m.test(), m.warnings(), m.optimizer());
        byte[] bytes = Files.readAllBytes(m.dir().resolve(m.modelFile()));
        bytes[bytes.length / 2] ^= 1;
        Files.write(copy.resolve(m.modelFile()), bytes);
        assertThatThrownBy(tampered::predictor).hasMessageContaining("SHA-256").hasMessageContaining("differs");
        assertThatThrownBy(() -> LiveModel.find(home, "serve/direction/gru#0")).hasMessageContaining("has no model "
                + "gru#0").hasMessageContaining("dnn#0").hasMessageContaining("lstm#0");
        assertThatThrownBy(() -> Predictor.load(m.file(), io.atlasj.workspec.ModelType.ENSEMBLE, 19))
                .hasMessageContaining("an ensemble has no model file of its own");
        // ensembles have no fine-tuning: refused, not served untuned
        assertThatThrownBy(() -> LiveRunner.run(home, new LiveRunner.Options("serve/direction/vote#0", null, null, 0,
                null, -1, new FineTuner.FineTune(10, 1e-4, 1, 16)), l -> { })).hasMessageContaining("--fine-tune is "
                + "built for neural networks (dense, logistic, linear, LSTM, BiLSTM, transformer, multi-task, hybrid) "
                + "and gradient-boosted trees, not for ensemble");
    }

    @Test
    void aDirFeedSaysWhenAFileAddsNothingToTheSeriesTheModelIsPredictedOn() throws Exception {
        LiveModel m = LiveModel.find(home, "serve/direction/dnn#0");
        Path store = dir.resolve("dir-feed/marketdata");
        Files.createDirectories(store);
        try (var files = Files.walk(home.marketData())) {
            for (Path f : files.toList()) {
                Path to = store.resolve(home.marketData().relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        FeatureSetBuilder.Resolved r;
        try (MarketDataStore s = MarketDataStore.open(store)) {
            r = new FeatureSetBuilder(SeriesSource.of(s)).resolve(m.featureset());
        }
        // trades of another market (a collector given the wrong symbol): imported, and said to feed nothing
        Path drop = Files.createDirectories(dir.resolve("dir-feed/drop"));
        List<String> said = new ArrayList<>();
        var eth = io.atlasj.marketdata.imports.ImportOptions.of(io.atlasj.marketdata.imports.ImportFormat.BITSTAMP_TRADES,
                "bitstamp", "eth_usd");
        try (Feed feed = new Feed.Dir(store, m, r, LiveRunner.lead(r), null, null, drop, eth, said::add)) {
            Files.writeString(drop.resolve("a.csv"), "1385942400,30,1\n1385942460,31,2\n");
            assertThat(feed.next(Long.MIN_VALUE)).isEmpty();
        }
        assertThat(drop.resolve("imported/a.csv")).exists();
        assertThat(said).singleElement().asString().contains("warning: imported a.csv, but it added nothing to "
                + "bitstamp:btc_usd 5m bars, the series serve/direction/dnn#0 is predicted on");
        // the model's own market: no warning
        said.clear();
        var btc = io.atlasj.marketdata.imports.ImportOptions.of(io.atlasj.marketdata.imports.ImportFormat.BITSTAMP_TRADES,
                "bitstamp", "btc_usd");
        try (Feed feed = new Feed.Dir(store, m, r, LiveRunner.lead(r), null, null, drop, btc, said::add)) {
            Files.writeString(drop.resolve("b.csv"), "1385942400,1000,1\n1385942760,1001,2\n");
            feed.next(Long.MIN_VALUE);
        }
        assertThat(drop.resolve("imported/b.csv")).exists();
        assertThat(said).isEmpty();
        // a model on 10-minute bars, which the store does not keep: the trades change them too, no warning
        var tenMinutes = io.atlasj.features.set.FeatureLabelSet.builder("ten").base("bitstamp:btc_usd", "10m")
                .features(io.atlasj.features.Dsl.LogReturns()).labels(io.atlasj.features.Dsl.UpDown(1)).build();
        LiveModel ten = new LiveModel(m.ref(), m.key(), m.dir(), m.type(), tenMinutes, m.label(), m.dataset(),
                m.center(), m.scale(), m.targetCenter(), m.targetScale(), m.boundaries(), m.modelFile(),
                m.modelSha256(), m.test(), m.warnings(), m.optimizer());
        FeatureSetBuilder.Resolved tr;
        try (MarketDataStore s = MarketDataStore.open(store)) {
            tr = new FeatureSetBuilder(SeriesSource.of(s)).resolve(tenMinutes);
        }
        try (Feed feed = new Feed.Dir(store, ten, tr, LiveRunner.lead(tr), null, null, drop, btc, said::add)) {
            Files.writeString(drop.resolve("c.csv"), "1385943000,1002,1\n1385943600,1003,2\n");
            feed.next(Long.MIN_VALUE);
        }
        assertThat(drop.resolve("imported/c.csv")).exists();
        assertThat(said).isEmpty();
    }
}
