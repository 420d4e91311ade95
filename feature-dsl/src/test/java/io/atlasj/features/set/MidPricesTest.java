package io.atlasj.features.set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.atlasj.features.eval.PriceBasis;
import io.atlasj.features.eval.SeriesSource;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.pipeline.ImportJob;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.testing.TestData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code prices: mid} on real LEAN quote bars (Coinbase BTC/USD, 2017-09-03, the bundled fixture): a market with quotes
 * and no trades builds rows whose candles are the quote bars' midpoints, checked against the raw file; features that
 * need volume refuse with the reason; a set on trades names the way out; and on a market with both, the two bases give
 * different matrices under different cache keys.
 */
class MidPricesTest {
    static final long DAY = Instant.parse("2017-09-03T00:00:00Z").toEpochMilli();
    static final String SET = """
            name: btc-mid
            base: {market: "coinbase:btcusd", timeframe: 1m}
            prices: mid
            features:
              - Open()
              - High()
              - Low()
              - Close()
              - LogReturns()
              - Spread()
            labels:
              - FutureReturn(1)
            """;
    @TempDir
    static Path dir;
    static MarketDataStore quotesOnly;
    static MarketDataStore both;
    /** Per open time: bid open, high, low, close, ask open, high, low, close, from the raw CSV. */
    static final TreeMap<Long, double[]> raw = new TreeMap<>();

    @BeforeAll
    static void load() throws IOException {
        Path quote = TestData.fixture("lean/crypto/coinbase/minute/btcusd/20170903_quote.zip");
        Path trade = TestData.fixture("lean/crypto/coinbase/minute/btcusd/20170903_trade.zip");
        quotesOnly = MarketDataStore.open(dir.resolve("quotes"));
        both = MarketDataStore.open(dir.resolve("both"));
        ImportOptions lean = ImportOptions.of(ImportFormat.LEAN, null, null);
        assertThat(new ImportJob(quotesOnly).run(List.of(quote), lean, ImportJob.Listener.NONE).rejectedFiles())
                .isZero();
        assertThat(new ImportJob(both).run(List.of(trade, quote), lean, ImportJob.Listener.NONE).rejectedFiles())
                .isZero();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(quote))) {
            z.getNextEntry();
            BufferedReader r = new BufferedReader(new InputStreamReader(z, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    String[] f = line.split(",");
                    raw.put(DAY + Long.parseLong(f[0]), new double[] {d(f[1]), d(f[2]), d(f[3]), d(f[4]), d(f[6]),
                        d(f[7]), d(f[8]), d(f[9])});
                }
            }
        }
    }

    private static double d(String s) {
        return Double.parseDouble(s);
    }

    @AfterAll
    static void close() {
        quotesOnly.close();
        both.close();
    }

    @Test
    void aQuoteOnlyMarketBuildsOnTheMidpointsOfItsQuoteBars() {
        FeatureLabelSet set = FeatureSetYaml.read("btc-mid.yaml", SET);
        assertThat(set.prices()).isEqualTo(PriceBasis.MID);
        FeatureMatrix m = new FeatureSetBuilder(SeriesSource.of(quotesOnly)).build(set, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(m.rows()).as("rows from quote bars alone").isGreaterThan(1_000);
        double[][] x = m.features();
        double[] label = m.labels()[0];
        int adjacent = 0;
        for (int i = 0; i < m.rows(); i++) {
            double[] q = raw.get(m.time()[i]);
            assertThat(q).as("a row on a bar of the file").isNotNull();
            assertThat(x[0][i]).isEqualTo((q[0] + q[4]) / 2);
            assertThat(x[1][i]).isEqualTo((q[1] + q[5]) / 2);
            assertThat(x[2][i]).isEqualTo((q[2] + q[6]) / 2);
            assertThat(x[3][i]).isEqualTo((q[3] + q[7]) / 2);
            assertThat(x[1][i]).isGreaterThanOrEqualTo(Math.max(x[0][i], x[3][i]));
            assertThat(x[2][i]).isLessThanOrEqualTo(Math.min(x[0][i], x[3][i]));
            assertThat(x[5][i]).isEqualTo(q[7] - q[3]);
            double[] prev = raw.get(m.time()[i] - 60_000L);
            if (prev != null) { // the log return and the label on adjacent mids only
                adjacent++;
                assertThat(x[4][i]).isCloseTo(Math.log((q[3] + q[7]) / (prev[3] + prev[7])),
                        org.assertj.core.data.Offset.offset(1e-15));
            }
            double[] next = raw.get(m.time()[i] + 60_000L);
            assertThat(next).as("a label needs the next bar").isNotNull();
            assertThat(label[i]).isCloseTo(Math.log((next[3] + next[7]) / (q[3] + q[7])), // a log return
                    org.assertj.core.data.Offset.offset(1e-15));
        }
        assertThat(adjacent).isEqualTo(m.rows());
        // the data fingerprint names the quote bars it was built from
        assertThat(m.dataFingerprint()).isNotEmpty().allMatch(s -> s.startsWith("coinbase:btcusd 1m quotes "));
    }

    @Test
    void volumeRefusesWithTheReasonAndTradesNameTheWayOut() {
        FeatureSetBuilder b = new FeatureSetBuilder(SeriesSource.of(quotesOnly));
        assertThatThrownBy(() -> b.build(FeatureSetYaml.read("v.yaml", SET.replace("  - Spread()", "  - Volume()")),
                Long.MIN_VALUE, Long.MAX_VALUE))
                .hasMessageContaining("Volume()").hasMessageContaining("midpoints of quote bars (prices: mid)")
                .hasMessageContaining("no traded volume");
        assertThatThrownBy(() -> b.build(FeatureSetYaml.read("t.yaml", SET.replace("prices: mid", "prices: trades")),
                Long.MIN_VALUE, Long.MAX_VALUE))
                .hasMessageContaining("needs candles of coinbase:btcusd at 1m")
                .hasMessageContaining("it has quote bars of coinbase:btcusd there: write prices: mid");
        assertThatThrownBy(() -> FeatureSetYaml.read("f.yaml", SET.replace("prices: mid", "prices: mid\ngaps: fill-flat")))
                .hasMessageContaining("f.yaml:3").hasMessageContaining("prices")
                .hasMessageContaining("never filled");
        assertThatThrownBy(() -> FeatureSetYaml.read("p.yaml", SET.replace("prices: mid", "prices: bid")))
                .hasMessageContaining("p.yaml:3").hasMessageContaining("must be trades or mid, got 'bid'");
    }

    /** A LEAN quote bar whose ask closes below its bid is a crossed book, refused as a bad row by line and field. */
    @Test
    void aCrossedLeanQuoteBarIsABadRow() throws IOException {
        Path file = dir.resolve("crossed/coinbase/minute/btcusd/20170903_quote.csv");
        Files.createDirectories(file.getParent());
        StringBuilder csv = new StringBuilder();
        int line = 0;
        for (var e : raw.entrySet()) {
            double[] q = e.getValue();
            line++;
            double askClose = line == 7 ? q[3] - 0.5 : q[7]; // line 7: the ask closes half a dollar under the bid
            csv.append(e.getKey() - DAY).append(',').append(q[0]).append(',').append(q[1]).append(',').append(q[2])
                    .append(',').append(q[3]).append(",1,").append(q[4]).append(',').append(Math.max(q[5], askClose))
                    .append(',').append(Math.min(q[6], askClose)).append(',').append(askClose).append(",1\n");
        }
        Files.writeString(file, csv);
        try (MarketDataStore s = MarketDataStore.open(dir.resolve("crossed-store"))) {
            var o = new ImportJob(s).run(List.of(file), ImportOptions.of(ImportFormat.LEAN, null, null),
                    ImportJob.Listener.NONE).files().get(0);
            assertThat(o.error()).contains("20170903_quote.csv:7").contains("ask_close").contains("crossed quote");
        }
    }

    @Test
    void onAMarketWithTradesAndQuotesTheTwoBasesDifferAndAreCachedApart() {
        FeatureLabelSet mid = FeatureSetYaml.read("btc-mid.yaml", SET);
        FeatureLabelSet trades = FeatureSetYaml.read("btc.yaml", SET.replace("prices: mid", "prices: trades")
                .replace("  - Spread()\n", ""));
        FeatureLabelSet midNoSpread = FeatureSetYaml.read("btc-mid.yaml", SET.replace("  - Spread()\n", ""));
        FeaturesetCache cache = new FeaturesetCache(dir.resolve("cache"));
        FeatureSetBuilder b = new FeatureSetBuilder(SeriesSource.of(both));
        FeatureSetBuilder.Built m = b.build(midNoSpread, Long.MIN_VALUE, Long.MAX_VALUE, cache);
        FeatureSetBuilder.Built t = b.build(trades, Long.MIN_VALUE, Long.MAX_VALUE, cache);
        assertThat(t.cacheHit()).as("a trades build is not the mid build's cache entry").isFalse();
        assertThat(m.file()).isNotEqualTo(t.file());
        assertThat(b.build(midNoSpread, Long.MIN_VALUE, Long.MAX_VALUE, cache).cacheHit()).isTrue();
        // the trade closes are last prices, not midpoints: on this day they differ on most rows
        int differ = 0;
        java.util.Map<Long, Integer> tradeRow = new java.util.HashMap<>();
        for (int i = 0; i < t.matrix().rows(); i++) {
            tradeRow.put(t.matrix().time()[i], i);
        }
        for (int i = 0; i < m.matrix().rows(); i++) {
            Integer j = tradeRow.get(m.matrix().time()[i]);
            if (j != null && m.matrix().features()[3][i] != t.matrix().features()[3][j]) {
                differ++;
            }
        }
        assertThat(differ).isGreaterThan(m.matrix().rows() / 2);
        // the YAML form keeps the basis
        assertThat(FeatureSetYaml.write(mid)).contains("prices: mid");
        assertThat(FeatureSetYaml.read("again.yaml", FeatureSetYaml.write(mid))).isEqualTo(mid);
        assertThat(FeatureSetYaml.write(trades)).doesNotContain("prices");
        assertThat(mid.onMarket(mid.baseMarket()).prices()).isEqualTo(PriceBasis.MID);
    }
}
