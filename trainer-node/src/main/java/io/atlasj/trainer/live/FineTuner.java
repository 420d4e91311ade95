package io.atlasj.trainer.live;

import io.atlasj.trainer.model.Predictor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Event-driven training of a served model: when enough frames have their outcome ({@link FineTune#every}), their
 * inputs are fetched back by reference (the frame's bar and the range of bars it read, evaluated again by the batch
 * build's code and scaled with the model's training parameters, which every version keeps), mixed with a sample of
 * frames learned before (the replay buffer), and the model takes a bounded number of optimizer steps at a small
 * learning rate. The result is a new model version: its file written durably, then recorded with the frames it
 * learned from in one transaction, so after a crash a frame is learned from once or not yet, never twice.
 */
public final class FineTuner {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FineTuner.class);
    /**
     * @param every  matched outcomes per fine-tuning step
     * @param lr     learning rate of the step
     * @param steps  optimizer steps per fine-tuning
     * @param buffer how many learned frames the replay buffer samples from
     */
    public record FineTune(int every, double lr, int steps, int buffer) {
        /** A network's learning rate when none is given: small steps from where training ended. */
        public static final double NETWORK_LR = 1e-4;
        /** Trees' learning rate (each new round's eta) when none is given: a tenth of the usual training eta. */
        public static final double TREES_LR = 0.01;

        public FineTune {
            if (every < 1 || steps < 1 || buffer < 0 || !(lr > 0 || Double.isNaN(lr))) {
                throw new IllegalArgumentException("fine-tuning needs every >= 1, steps >= 1, buffer >= 0 and lr > 0");
            }
        }

        /** As given, or (NaN) the default of the model's kind: {@link #NETWORK_LR}, or {@link #TREES_LR} for trees. */
        public double lr(io.atlasj.workspec.ModelType type) {
            return !Double.isNaN(lr) ? lr : type == io.atlasj.workspec.ModelType.GBM ? TREES_LR : NETWORK_LR;
        }
    }

    private final LiveModel m;
    private final LiveJournal journal;
    private final BarWindow window;
    private final Path models;
    private final FineTune cfg;
    /**
     * Scaled rows fetched back lately, by bar (null: none there): the replay buffer and the windows of later frames
     * read them again (bounded, least recently used out).
     */
    private final Map<Long, double[]> rows;
    /** Matched outcomes not learned from yet, as far as this runner knows (the journal is asked when it is enough). */
    private long pending = Long.MAX_VALUE;
    private boolean refused;
    /** A multi-task network's other heads (how each target is made), empty for other models. */
    private final List<io.atlasj.trainer.data.PreparedData.Target> otherHeads;
    /** Fine-tunings given up because the loss was not finite. */
    private int diverged;

    FineTuner(LiveModel m, LiveJournal journal, BarWindow window, Path models, FineTune cfg) {
        this.m = m;
        this.journal = journal;
        this.window = window;
        this.models = models;
        this.cfg = cfg;
        this.otherHeads = m.otherHeads();
        int keep = 2 * (cfg.buffer() + cfg.every());
        this.rows = new java.util.LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, double[]> e) {
                return size() > keep;
            }
        };
    }

    /**
     * A multi-task network's other heads' targets at {@code bars} (per bar, per head), made as training made them from
     * their labels computed by the batch build over the bars visible now; NaN where a label is not known yet (a longer
     * horizon), which keeps that head's row out of the loss. Null for a model without other heads.
     */
    private double[][] otherTargets(List<Long> bars) {
        if (otherHeads.isEmpty() || bars.isEmpty()) {
            return null;
        }
        long ms = m.baseTimeframe().millis();
        long from = bars.stream().mapToLong(Long::longValue).min().orElseThrow();
        long to = bars.stream().mapToLong(Long::longValue).max().orElseThrow() + ms;
        double[][] out = new double[bars.size()][otherHeads.size()];
        for (int h = 0; h < otherHeads.size(); h++) {
            io.atlasj.trainer.data.PreparedData.Target head = otherHeads.get(h);
            Map<Long, Double> byBar = new java.util.HashMap<>();
            try {
                io.atlasj.features.set.FeatureLabelSet one = m.featureset().withLabels(
                        List.of(io.atlasj.features.parse.FeatureParser.parseLabel(head.label())));
                io.atlasj.features.set.FeatureMatrix fm = new io.atlasj.features.set.FeatureSetBuilder(window)
                        .build(one, from, to);
                for (int i = 0; i < fm.rows(); i++) {
                    byBar.put(fm.time()[i], fm.labels()[0][i]);
                }
            } catch (IllegalArgumentException e) {
                // none of this head's labels is known yet (or it cannot be built): its rows stay out of the loss
                LOG.debug("{}: no targets for head {} over {} .. {}: {}", m.name(), head.label(), from, to,
                        e.getMessage());
            }
            for (int i = 0; i < bars.size(); i++) {
                out[i][h] = head.of(byBar.getOrDefault(bars.get(i), Double.NaN));
            }
        }
        return out;
    }

    /** How many fine-tunings were given up because their loss was not finite (no version made). */
    int diverged() {
        return diverged;
    }

    /** Whether the last {@link #step} was dropped because a rollback made another version active meanwhile. */
    boolean refused() {
        return refused;
    }

    /** Counts outcomes matched since the last look at the journal. */
    void matched(int n) {
        if (pending != Long.MAX_VALUE) {
            pending += n;
        }
    }

    /**
     * Fine-tunes {@code predictor} (of version {@code version}) when enough outcomes are waiting; returns the new
     * version, or null. Null also when a rollback made another version active while it ran: then nothing is recorded
     * and {@code predictor} (changed in memory) must be loaded again from the active version.
     */
    LiveJournal.Version step(Predictor predictor, int version) {
        refused = false;
        if (pending < cfg.every()) {
            return null;
        }
        List<LiveJournal.Frame> fresh = journal.untrained(m.name());
        pending = fresh.size();
        if (fresh.size() < cfg.every()) {
            return null;
        }
        pending = 0;
        List<LiveJournal.Frame> batch = new ArrayList<>(fresh);
        List<LiveJournal.Frame> learned = journal.learned(m.name(), cfg.buffer());
        // the replay buffer: as many earlier frames as fresh ones, drawn without replacement; seeded by the version
        // being made, so that a runner started again after a crash draws the same frames
        java.util.Collections.shuffle(learned, new Random(m.key().hashCode() * 31L + version));
        batch.addAll(learned.subList(0, Math.min(learned.size(), fresh.size())));
        List<long[]> times = new ArrayList<>();
        List<double[][]> windows = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        List<Long> frameBars = new ArrayList<>();
        long barMillis = m.baseTimeframe().millis();
        for (LiveJournal.Frame f : batch) {
            if (f.inputFrom() - (predictor.window() - 1) * barMillis < window.from()) {
                continue; // its window's bars are no longer held whole: skipped, not learned from a shorter window
            }
            // the frame's own row, and for a model that reads a window the rows of the bars before it, as it read them
            LiveRunner.Window w = LiveRunner.window(m, window, f.barTime() - f.inputFrom(), f.barTime(),
                    predictor.window(), rows);
            if (w.times().length > 0 && w.times()[w.times().length - 1] == f.barTime()) { // else no row at its bar
                times.add(w.times());
                windows.add(w.rows());
                frameBars.add(f.barTime());
                y.add(m.classifies() ? f.outcome() : (f.outcome() - m.targetCenter()) / m.targetScale());
            }
        }
        if (!windows.isEmpty() && !predictor.fineTune(times.toArray(new long[0][]), windows.toArray(new double[0][][]),
                y.stream().mapToDouble(Double::doubleValue).toArray(), otherTargets(frameBars),
                m.classifies() ? predictor.outputs() : 0, m.optimizer(), cfg.lr(m.type()), cfg.steps(), barMillis,
                m.key().hashCode() * 31L + version)) {
            // the loss was not finite: no version, the model as it was, the frames not learned from (tried again
            // with the next ones)
            diverged++;
            return null;
        }
        try {
            int next = journal.nextVersion(m.name());
            // a network's zip (DL4J or SameDiff), or the trees in XGBoost's own format, as training wrote them
            boolean trees = m.type() == io.atlasj.workspec.ModelType.GBM;
            Path file = models.resolve(m.key()).resolve("v" + next + (trees ? ".ubj" : ".zip"));
            String sha = predictor.save(file);
            List<Long> bars = fresh.stream().map(LiveJournal.Frame::barTime).toList();
            LiveJournal.Version v = journal.fineTuned(m.name(), next, m.key(), version, sha, file.toString(), String.format(
                    java.util.Locale.ROOT, "fine-tuned from version %d on %d matched outcomes (%s .. %s) and %d replayed, "
                            + "lr %g, %d %s", version, fresh.size(), java.time.Instant.ofEpochMilli(bars.get(0)),
                    java.time.Instant.ofEpochMilli(bars.get(bars.size() - 1)), batch.size() - fresh.size(), cfg.lr(m.type()),
                    cfg.steps(), trees ? "boosting round(s) added" : "step(s) of " + m.optimizer().kind()), bars);
            if (v == null) {
                refused = true;
                pending = fresh.size();
            }
            return v;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a fine-tuned model under " + models + ": " + e.getMessage(), e);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("the live journal: " + e.getMessage(), e);
        }
    }
}
