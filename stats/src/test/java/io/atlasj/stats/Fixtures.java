package io.atlasj.stats;

import io.atlasj.features.eval.SeriesSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.pipeline.BundledData;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.stats.report.RunResults;
import io.atlasj.stats.trading.Prices;
import io.atlasj.stats.trading.Pricing;
import io.atlasj.workspec.Costs;
import io.atlasj.workspec.results.ResultsObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The real quickstart results in {@code src/test/resources/fixtures} (see its README). */
public final class Fixtures {
    private Fixtures() {
    }

    public static Path runs() {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/runs").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<ResultsObject> quickstart() {
        try {
            return RunResults.read(runs(), "quickstart");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Prices.Bars bars;

    /**
     * The prices the quickstart results were trained on: the bundled Bitstamp trades imported into a fresh store in
     * {@code target/fixture-store} and read back as 5-minute closes (once per test JVM), at the exchange's default
     * costs.
     */
    public static Pricing pricing() {
        return pricing(null);
    }

    /** The same prices at {@code costs} (null: the exchange's default). */
    public static Pricing pricing(Costs costs) {
        return pricing(costs, null);
    }

    /** The same prices at {@code costs} (null: the exchange's default) under {@code rules} (null: the default). */
    public static synchronized Pricing pricing(Costs costs, io.atlasj.workspec.TradingRules rules) {
        if (bars == null) {
            Path dir = Path.of("target", "fixture-store");
            deleteTree(dir);
            try (MarketDataStore store = MarketDataStore.open(dir.resolve("marketdata"))) {
                new ImportJob(store).run(List.of(BundledData.extract(dir)), BundledData.options(), ImportJob.Listener.NONE);
                bars = Prices.of(SeriesSource.of(store)).closes(Market.parse("bitstamp:btc_usd"), Timeframe.M5,
                        Long.MIN_VALUE, Long.MAX_VALUE, io.atlasj.features.eval.PriceBasis.TRADES);
            }
        }
        Prices.Bars all = bars;
        return new Pricing((market, tf, from, to, basis) -> {
            if (!market.toString().equals("bitstamp:btc_usd") || tf != Timeframe.M5
                    || basis != io.atlasj.features.eval.PriceBasis.TRADES) {
                return new Prices.Bars(new long[0], new double[0]);
            }
            int a = lower(all.time(), from);
            int b = lower(all.time(), to);
            return new Prices.Bars(java.util.Arrays.copyOfRange(all.time(), a, b),
                    java.util.Arrays.copyOfRange(all.close(), a, b));
        }, costs, rules);
    }

    private static void deleteTree(Path dir) {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int lower(long[] t, long v) {
        int i = java.util.Arrays.binarySearch(t, v);
        return i >= 0 ? i : -i - 1;
    }

    /** The 5-minute closes of the bundled data. */
    public static Prices.Bars closes() {
        pricing();
        return bars;
    }

    public static ResultsObject byKey(String key) {
        return quickstart().stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow();
    }
}
