package io.atlasj.cli.dashboard;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.harvester.Harvesting;
import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.stats.chart.Charts;
import io.atlasj.stats.chart.ChartFiles;
import io.atlasj.stats.model.ModelEvaluation;
import io.atlasj.stats.model.TrialFamily;
import io.atlasj.stats.report.HtmlReport;
import io.atlasj.stats.report.ResultSource;
import io.atlasj.stats.trading.Prices;
import io.atlasj.stats.trading.Pricing;
import io.atlasj.trainer.journal.RunJournal;
import io.atlasj.workspec.FeaturesetLocator;
import io.atlasj.workspec.WorkSpec;
import io.atlasj.workspec.WorkSpecYaml;
import io.atlasj.workspec.results.ResultsIo;
import io.atlasj.workspec.results.ResultsObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The money view of one followed run, as the report computes it: each harvested result (done or stopped) read once
 * from its folder and evaluated in money, lean ({@link HtmlReport#leaderboard(ResultSource, Pricing)}); the units'
 * multiple-testing families ({@link TrialFamily#perUnit}) recomputed over all of them whenever results arrive.
 *
 * <p>Prices come from the market-data store, opened for each refresh and closed after it, so a dashboard started on
 * its own never keeps a run from starting. When another process holds the store (a local run in progress), models are
 * evaluated without trading and the snapshot says why; the dashboard served by that process
 * ({@code atlas run --local --dashboard-port}, a coordinator's {@code --dashboard-port}) shares its store.
 */
final class Evaluations {
    /**
     * What the last refresh computed.
     *
     * @param noPrices why models were not traded (null when they were)
     */
    record Snapshot(long computedAt, int results, String noPrices, List<TrialFamily> families,
                    Map<String, ModelEvaluation> byKey) {
        static final Snapshot NONE = new Snapshot(0, 0, "not computed yet", List.of(), Map.of());
    }

    private final AtlasHome home;
    private final Map<String, ModelEvaluation> evaluated = new HashMap<>();
    private boolean traded;
    private volatile Snapshot latest = Snapshot.NONE;
    private final Map<String, String> cards = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > 64;
        }
    };

    Evaluations(AtlasHome home) {
        this.home = home;
    }

    Snapshot latest() {
        return latest;
    }

    /** Evaluates the harvested results not evaluated yet and recomputes the families (on the caller's thread). */
    void refresh(RunJournal.Follower run) {
        String workspec;
        String spec;
        Map<String, String> unitOf = new LinkedHashMap<>();
        synchronized (run) {
            workspec = run.workspec;
            spec = run.spec;
            for (RunJournal.Model m : run.models.values()) {
                if (("done".equals(m.status) || "stopped".equals(m.status)) && m.metric != null) {
                    unitOf.put(m.key, m.unit);
                }
            }
        }
        WorkSpec ws = parse(spec);
        List<String> warnings = new ArrayList<>();
        withPricing(ws, (pricing, noPrices) -> {
            if (noPrices == null && !traded) {
                evaluated.clear(); // evaluated without prices before: trade them now
            }
            traded = noPrices == null;
            List<Path> fresh = new ArrayList<>();
            for (Map.Entry<String, String> e : unitOf.entrySet()) {
                if (!evaluated.containsKey(e.getKey())) {
                    fresh.add(dir(workspec, e.getValue(), e.getKey()));
                }
            }
            try {
                for (HtmlReport.Entry e : HtmlReport.leaderboard(ResultSource.over(fresh,
                        dir -> Harvesting.readOutOfSample(dir, warnings::add)), pricing)) {
                    evaluated.put(e.result().key(), e.evaluation());
                }
            } catch (java.io.IOException | RuntimeException ex) {
                LOG.warn("dashboard: cannot evaluate the results of {}: {}", workspec, ex.toString());
            }
            List<ModelEvaluation> all = evaluated.values().stream().filter(java.util.Objects::nonNull).toList();
            List<TrialFamily> families;
            try {
                families = TrialFamily.perUnit(all);
            } catch (RuntimeException ex) {
                LOG.warn("dashboard: cannot compute the trial families of {}: {}", workspec, ex.toString());
                families = List.of();
            }
            Map<String, ModelEvaluation> byKey = new HashMap<>();
            evaluated.forEach((k, v) -> {
                if (v != null) {
                    byKey.put(k, v);
                }
            });
            latest = new Snapshot(System.currentTimeMillis(), all.size(), noPrices, families, Map.copyOf(byKey));
            return null;
        });
    }

    /** A model's baseball card (SVG), drawn from its whole result; empty when it has no harvested result. */
    synchronized Optional<String> card(RunJournal.Follower run, RunJournal.Model m) {
        String cached = cards.get(m.key);
        if (cached != null) {
            return Optional.of(cached);
        }
        String workspec;
        String spec;
        synchronized (run) {
            workspec = run.workspec;
            spec = run.spec;
        }
        Optional<ResultsObject> r = ResultsIo.verify(dir(workspec, m.unit, m.key)).result();
        if (r.isEmpty() || !ModelEvaluation.trained(r.get())) {
            return Optional.empty();
        }
        String svg = withPricing(parse(spec), (pricing, noPrices) ->
                ChartFiles.svg(Charts.card(ModelEvaluation.of(r.get(), pricing))));
        cards.put(m.key, svg);
        return Optional.of(svg);
    }

    /**
     * The model's harvested result without its training and validation series (its spec: what the WorkSpec made of
     * the model's entry; its curves, for a model this journal did not see train), or empty before it is harvested.
     */
    Optional<ResultsObject> stored(RunJournal.Follower run, RunJournal.Model m) {
        String workspec;
        synchronized (run) {
            workspec = run.workspec;
        }
        try {
            return Optional.of(ResultsIo.readOutOfSample(dir(workspec, m.unit, m.key).resolve(ResultsIo.FILE)));
        } catch (java.io.IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * A model's epochs as the journal has them (fold, epoch, train loss, validation loss, time), or, for a model trained
     * by an earlier run (its result found by this one), the curves its result stored, timed at its start.
     */
    List<double[]> curve(RunJournal.Follower run, RunJournal.Model m) {
        return curve(run, m, null);
    }

    /** {@link #curve(RunJournal.Follower, RunJournal.Model)} given the model's stored result when already read. */
    List<double[]> curve(RunJournal.Follower run, RunJournal.Model m, Optional<ResultsObject> stored) {
        synchronized (run) {
            if (!m.curve.isEmpty() || !m.terminal()) {
                return List.copyOf(m.curve);
            }
        }
        List<double[]> out = new ArrayList<>();
        (stored != null ? stored : stored(run, m)).ifPresent(r -> {
            for (ResultsObject.FoldResult fold : r.folds()) {
                for (Map<String, Double> e : fold.curves()) {
                    out.add(new double[] {fold.fold(), e.getOrDefault("epoch", 0.0) + 1,
                            e.getOrDefault("trainLoss", Double.NaN), e.getOrDefault("validationLoss", Double.NaN),
                            r.startedAt()});
                }
            }
        });
        return out;
    }

    /** A result's folder: {@code ATLAS_HOME/runs/WORKSPEC/UNIT/KEY}. */
    private Path dir(String workspec, String unit, String key) {
        return home.runs().resolve(workspec).resolve(unit).resolve(key);
    }

    @FunctionalInterface
    private interface Priced<T> {
        T apply(Pricing pricing, String noPrices);
    }

    /** Runs {@code f} with the WorkSpec's costs and the store's prices, or without prices (and why) when unavailable. */
    private <T> T withPricing(WorkSpec ws, Priced<T> f) {
        MarketDataStore store;
        try {
            store = MarketDataStore.open(home.marketData());
        } catch (RuntimeException e) {
            return f.apply(new Pricing(Prices.NONE, ws == null ? null : ws.costs(), rules(ws)),
                    "no prices: " + e.getMessage());
        }
        try (store) {
            return f.apply(new Pricing(Prices.of(SeriesSource.of(store)), ws == null ? null : ws.costs(), rules(ws)),
                    null);
        }
    }

    private static io.atlasj.workspec.TradingRules rules(WorkSpec ws) {
        return ws == null ? io.atlasj.workspec.TradingRules.DEFAULT : ws.trading();
    }

    /** The run's self-contained WorkSpec, for its costs and trading rules; null when the journal has none. */
    static WorkSpec parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return null;
        }
        try {
            return WorkSpecYaml.readSubmitted("the run's journal", spec, FeaturesetLocator.NONE);
        } catch (RuntimeException e) {
            LOG.warn("dashboard: the run's WorkSpec cannot be read ({}); costs are each exchange's default", e.toString());
            return null;
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Evaluations.class);
}
