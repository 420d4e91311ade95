package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.CandleSource;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteCandleSeries;
import io.atlasj.marketdata.QuoteSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.TradeSeries;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.marketdata.quality.Gaps;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.marketdata.store.SeriesSummary;
import io.atlasj.testing.TestData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each importer on real data, checked against the file itself read independently by the test. */
class RealDataImportTest {
    private static final Market BTC = new Market("bitstamp", "btc_usd");
    private static final long T0 = Instant.parse("2013-11-25T00:00:00Z").toEpochMilli();

    @TempDir
    Path dir;
    MarketDataStore store;

    @BeforeEach
    void open() {
        store = MarketDataStore.open(dir.resolve("store"));
    }

    @AfterEach
    void close() {
        store.close();
    }

    private ImportJob.Summary run(ImportOptions options, Path... files) {
        ImportJob.Summary s = new ImportJob(store).run(List.of(files), options, ImportJob.Listener.NONE);
        s.files().forEach(f -> assertThat(f.error()).as(f.file().toString()).isNull());
        return s;
    }

    private Path bundled() {
        return BundledData.extract(dir.resolve("bundled"));
    }

    @Test
    void bundledBitstampTradesGiveCandlesOfEveryTimeframe() {
        ImportJob.Summary s = run(BundledData.options(), bundled());
        assertThat(s.inserted()).isEqualTo(100_000);
        TradeSeries trades = store.trades(BTC, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(trades.size()).isEqualTo(100_000);
        assertThat(Instant.ofEpochMilli(trades.times()[0])).isEqualTo("2013-11-25T00:00:00Z");
        assertThat(Instant.ofEpochMilli(trades.times()[trades.size() - 1])).isEqualTo("2013-12-01T16:02:05Z");
        for (Timeframe tf : Timeframe.values()) {
            CandleSeries c = store.candles(BTC, tf);
            assertThat(c.size()).as(tf.label()).isPositive();
            assertThat(c.openTime(0)).as(tf.label()).isEqualTo(tf.floor(T0)); // T0 itself but for three days (2013-11-23)
            assertThat(c.openTime(c.size() - 1)).as(tf.label()).isEqualTo(tf.floor(trades.times()[trades.size() - 1]));
            double volume = 0;
            for (double v : c.volumes()) {
                volume += v;
            }
            double tradeVolume = 0;
            for (double q : trades.quantities()) {
                tradeVolume += q;
            }
            assertThat(volume).as("volume is conserved at " + tf).isCloseTo(tradeVolume, within(1e-6));
        }
        assertThat(store.candles(BTC, Timeframe.D1).size()).isEqualTo(7);

        ImportJob.Summary again = run(BundledData.options(), bundled());
        assertThat(again.inserted()).isZero();
        assertThat(again.present()).isEqualTo(100_000);
        assertThat(store.trades(BTC, Long.MIN_VALUE, Long.MAX_VALUE).size()).isEqualTo(100_000);
    }

    @Test
    void oneMinuteCandlesMatchAnIndependentAggregationOfTheRawFile() throws IOException {
        run(BundledData.options(), bundled());
        // Independent reading of the CSV: minute -> {open, high, low, close, volume, count}
        TreeMap<Long, double[]> expected = new TreeMap<>();
        for (String line : Files.readAllLines(bundled())) {
            if (line.startsWith("timestamp")) {
                continue;
            }
            String[] f = line.split(",");
            long minute = Long.parseLong(f[0]) / 60 * 60_000L;
            double p = Double.parseDouble(f[1]);
            double q = Double.parseDouble(f[2]);
            double[] bar = expected.get(minute);
            if (bar == null) {
                expected.put(minute, new double[] {p, p, p, p, q, 1});
            } else {
                bar[1] = Math.max(bar[1], p);
                bar[2] = Math.min(bar[2], p);
                bar[3] = p;
                bar[4] += q;
                bar[5]++;
            }
        }
        CandleSeries c = store.candles(BTC, Timeframe.M1);
        assertThat(c.size()).isEqualTo(expected.size());
        int i = 0;
        for (var e : expected.entrySet()) {
            double[] b = e.getValue();
            assertThat(c.openTime(i)).isEqualTo(e.getKey());
            assertThat(new double[] {c.open(i), c.high(i), c.low(i), c.close(i)}).containsExactly(b[0], b[1], b[2], b[3]);
            assertThat(c.volume(i)).isCloseTo(b[4], within(1e-9));
            assertThat(c.tradeCount(i)).isEqualTo((long) b[5]);
            assertThat(c.source(i)).isEqualTo(CandleSource.DERIVED);
            i++;
        }
        // minutes without trades are gaps, not flat candles
        Gaps gaps = Gaps.of(c.openTimes(), Timeframe.M1);
        long span = (c.openTime(c.size() - 1) - c.openTime(0)) / 60_000L + 1;
        assertThat(gaps.missingBars()).isEqualTo(span - c.size()).isPositive();
    }

    @Test
    void fillGapsWritesFlaggedFlatCandlesOnlyWhenAsked() {
        run(BundledData.options().withFillGaps(true), bundled());
        CandleSeries m1 = store.candles(BTC, Timeframe.M1);
        long span = (m1.openTime(m1.size() - 1) - m1.openTime(0)) / 60_000L + 1;
        assertThat(m1.size()).isEqualTo(span);
        int filled = 0;
        for (int i = 0; i < m1.size(); i++) {
            if (m1.source(i) == CandleSource.FILLED) {
                filled++;
                assertThat(m1.volume(i)).isZero();
                assertThat(m1.open(i)).isEqualTo(m1.close(i - 1)).isEqualTo(m1.high(i)).isEqualTo(m1.low(i));
            }
        }
        assertThat(filled).isEqualTo((int) (span - 9_399)); // 9,399 minutes have trades
        SeriesSummary s = store.summaries().stream()
                .filter(x -> x.kind() == SeriesSummary.Kind.CANDLES && x.timeframe() == Timeframe.M1).findFirst().orElseThrow();
        assertThat(s.filled()).isEqualTo(filled);
    }

    @Test
    void leanTradeAndQuoteBarsGiveCandlesAndBidAskSeries() throws IOException {
        Path trade = TestData.fixture("lean/crypto/coinbase/minute/btcusd/20170903_trade.zip");
        Path quote = TestData.fixture("lean/crypto/coinbase/minute/btcusd/20170903_quote.zip");
        run(ImportOptions.of(ImportFormat.LEAN, null, null), trade, quote);
        Market m = new Market("coinbase", "btcusd");
        long day = Instant.parse("2017-09-03T00:00:00Z").toEpochMilli();

        List<String[]> tradeRows = unzipRows(trade);
        CandleSeries c = store.candles(m, Timeframe.M1);
        assertThat(c.size()).isEqualTo(tradeRows.size());
        assertThat(c.openTime(0)).isEqualTo(day + Long.parseLong(tradeRows.get(0)[0]));
        assertThat(c.close(10)).isEqualTo(Double.parseDouble(tradeRows.get(10)[4]));
        assertThat(c.source(0)).isEqualTo(CandleSource.IMPORTED);

        List<String[]> quoteRows = unzipRows(quote);
        QuoteCandleSeries q = store.quoteCandles(m, Timeframe.M1, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(q.size()).isEqualTo(quoteRows.size());
        for (int i = 0; i < q.size(); i++) {
            String[] r = quoteRows.get(i);
            assertThat(q.openTimes()[i]).isEqualTo(day + Long.parseLong(r[0]));
            assertThat(q.bidCloses()[i]).isEqualTo(Double.parseDouble(r[4]));
            assertThat(q.askCloses()[i]).isEqualTo(Double.parseDouble(r[9]));
            assertThat(q.column(QuoteCandleSeries.ASK_SIZE)[i]).isEqualTo(Double.parseDouble(r[10]));
        }
        // 1h quote bars: independently aggregated bid high and ask close of the hour
        QuoteCandleSeries h = store.quoteCandles(m, Timeframe.H1, Long.MIN_VALUE, Long.MAX_VALUE);
        TreeMap<Long, double[]> hours = new TreeMap<>();
        for (String[] r : quoteRows) {
            long hour = (day + Long.parseLong(r[0])) / 3_600_000L * 3_600_000L;
            double[] a = hours.computeIfAbsent(hour, k -> new double[] {Double.NEGATIVE_INFINITY, 0});
            a[0] = Math.max(a[0], Double.parseDouble(r[2]));
            a[1] = Double.parseDouble(r[9]);
        }
        assertThat(h.size()).isEqualTo(hours.size());
        int i = 0;
        for (var e : hours.entrySet()) {
            assertThat(h.openTimes()[i]).isEqualTo(e.getKey());
            assertThat(h.column(QuoteCandleSeries.BID_HIGH)[i]).isEqualTo(e.getValue()[0]);
            assertThat(h.askCloses()[i]).isEqualTo(e.getValue()[1]);
            i++;
        }
        // the spread is a real, mostly positive series
        long crossed = 0;
        for (int k = 0; k < q.size(); k++) {
            if (q.askCloses()[k] < q.bidCloses()[k]) {
                crossed++;
            }
        }
        assertThat(crossed).isLessThan(q.size() / 100 + 1);
    }

    @Test
    void binanceWebsocketCaptureGivesTradesAndQuotes() throws IOException {
        Path ws = TestData.fixture("binance-ws/btcusdt_20240808_head4000.gz");
        ImportJob.Summary s = run(ImportOptions.of(ImportFormat.BINANCE_WS, "binance", null), ws);
        Market m = new Market("binance", "btcusdt");
        long tradeLines = 0;
        long bookLines = 0;
        long buyerMaker = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(ws)),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.contains("\"e\":\"trade\"")) {
                    tradeLines++;
                    if (line.contains("\"m\":true")) {
                        buyerMaker++;
                    }
                } else if (line.contains("@bookTicker")) {
                    bookLines++;
                }
            }
        }
        TradeSeries t = store.trades(m, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(t.size()).isEqualTo(tradeLines).isEqualTo(676);
        long sells = 0;
        for (byte b : t.sides()) {
            if (b < 0) {
                sells++;
            }
        }
        assertThat(sells).isEqualTo(buyerMaker);
        assertThat(t.tradeIds()[0]).isEqualTo(3735683259L);
        QuoteSeries q = store.quotes(m, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(q.size()).isEqualTo(bookLines);
        assertThat(s.files().get(0).ignored()).isEqualTo(4000 - tradeLines - bookLines);
        assertThat(store.candles(m, Timeframe.S1).size()).isPositive();
        QuoteCandleSeries q1s = store.quoteCandles(m, Timeframe.S1, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(q1s.size()).isPositive();
        assertThat(q1s.bidCloses()[0]).isLessThanOrEqualTo(q1s.askCloses()[0]);
    }

    /**
     * A USD-M futures capture (its trade messages carry {@code "X":"MARKET"} and no {@code "M"}; its depth diffs are
     * ignored): every trade message is one trade, at its exchange time {@code T}, with its id, price and side. The form
     * the binance-ws live feed records a futures market's trade stream in.
     */
    @Test
    void binanceFuturesWebsocketCaptureGivesEveryTrade() throws IOException {
        Path ws = TestData.shared("binance-ticks/usdm/btcusdt_20240808.gz");
        run(ImportOptions.of(ImportFormat.BINANCE_WS, "binance-um", null), ws);
        List<long[]> want = new ArrayList<>(); // id, time, price bits, side
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(ws)),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.contains("\"e\":\"trade\"")) {
                    var d = json.readTree(line.substring(line.indexOf(' ') + 1)).path("data");
                    assertThat(d.path("X").asText()).isEqualTo("MARKET");
                    want.add(new long[] {d.path("t").asLong(), d.path("T").asLong(),
                            Double.doubleToLongBits(Double.parseDouble(d.path("p").asText())),
                            d.path("m").asBoolean() ? -1 : 1});
                }
            }
        }
        want.sort(java.util.Comparator.comparingLong((long[] a) -> a[1]).thenComparingLong(a -> a[0]));
        TradeSeries t = store.trades(new Market("binance-um", "btcusdt"), Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(want).hasSizeGreaterThan(10_000);
        assertThat(t.size()).isEqualTo(want.size());
        for (int i = 0; i < want.size(); i++) {
            assertThat(t.tradeIds()[i]).as("trade %d", i).isEqualTo(want.get(i)[0]);
            assertThat(t.times()[i]).isEqualTo(want.get(i)[1]);
            assertThat(Double.doubleToLongBits(t.prices()[i])).isEqualTo(want.get(i)[2]);
            assertThat((long) t.sides()[i]).isEqualTo(want.get(i)[3]);
        }
    }

    /**
     * LEAN keeps a venue's spot bars under {@code crypto/bybit} and its perpetual's under {@code cryptofuture/bybit}
     * (Bybit BTCUSDT, 2022-12-13): they import as two markets. Imported under one name, the perpetual's bars, which
     * differ from the spot market's, are refused with the first differing bar named, and nothing of them is written;
     * before, they were counted "already present" and dropped without a word.
     */
    @Test
    void aPerpetualIsNotTakenForItsSpotMarketNorDroppedSilently() {
        Path spot = TestData.shared("lean/crypto/bybit/minute/btcusdt/20221213_trade.zip");
        Path perp = TestData.shared("lean/cryptofuture/bybit/minute/btcusdt/20221213_trade.zip");
        run(ImportOptions.of(ImportFormat.LEAN, null, null), spot, perp);
        CandleSeries s = store.candles(new Market("bybit", "btcusdt"), Timeframe.M1);
        CandleSeries f = store.candles(new Market("bybit-futures", "btcusdt"), Timeframe.M1);
        assertThat(s.size()).isEqualTo(1440);
        assertThat(f.size()).isEqualTo(721);
        int differ = 0;
        for (int i = 0; i < f.size(); i++) {
            int k = java.util.Arrays.binarySearch(s.openTimes(), f.openTime(i));
            if (k >= 0 && s.close(k) != f.close(i)) {
                differ++;
            }
        }
        assertThat(differ).as("perpetual closes unlike the spot market's").isGreaterThan(600);

        // the same perpetual file under the spot market's name: refused whole
        ImportJob.Summary refused = new ImportJob(store).run(List.of(perp), ImportOptions.of(ImportFormat.LEAN, "bybit",
                null), ImportJob.Listener.NONE);
        String error = refused.files().get(0).error();
        assertThat(error).contains("nothing of it was written").contains("of bybit:btcusdt differ from the ones already "
                + "imported (first at 2022-12-13T").contains("--exchange or --symbol");
        assertThat(store.candles(new Market("bybit", "btcusdt"), Timeframe.M1).closes()).isEqualTo(s.closes());
        // and the same spot file again is still a no-op
        ImportJob.Summary again = run(ImportOptions.of(ImportFormat.LEAN, null, null), spot);
        assertThat(again.present()).isEqualTo(1440);
        assertThat(again.inserted()).isZero();
    }

    @Test
    void ta4jJsonCandlesAreImportedInTimeOrder() {
        Path json = TestData.fixture("ta4j/Binance-ETH-USD-PT5M-20230313_20230315.json");
        run(ImportOptions.of(ImportFormat.TA4J_JSON, null, null), json);
        Market m = new Market("binance", "eth_usd");
        CandleSeries c = store.candles(m, Timeframe.M5);
        assertThat(c.size()).isEqualTo(580);
        // first object: endTime 1678730699999, open 1673.58
        assertThat(c.openTime(0)).isEqualTo(1678730400000L);
        assertThat(c.open(0)).isEqualTo(1673.58);
        assertThat(store.candles(m, Timeframe.H1).size()).isPositive();
    }

    @Test
    void coinbaseFourHourJsonKeepsItsFiveMissingBarsAsGaps() {
        Path json = TestData.shared("coinbase-ta4j/Coinbase-BTC-USD-PT4H-20160518_20251028.json");
        run(ImportOptions.of(ImportFormat.TA4J_JSON, null, null), json);
        CandleSeries c = store.candles(new Market("coinbase", "btc_usd"), Timeframe.H4);
        assertThat(c.size()).isEqualTo(20_695);
        assertThat(Gaps.of(c.openTimes(), Timeframe.H4).missingBars()).isEqualTo(5);
    }

    @Test
    void ohlcvCsvRoundTripsCandlesExportedFromTheStore() throws IOException {
        run(BundledData.options(), bundled());
        CandleSeries h1 = store.candles(BTC, Timeframe.H1);
        StringBuilder csv = new StringBuilder("date,open,high,low,close,volume,trades\n");
        for (int i = 0; i < h1.size(); i++) {
            csv.append(Instant.ofEpochMilli(h1.openTime(i))).append(',').append(h1.open(i)).append(',')
                    .append(h1.high(i)).append(',').append(h1.low(i)).append(',').append(h1.close(i)).append(',')
                    .append(h1.volume(i)).append(',').append(h1.tradeCount(i)).append('\n');
        }
        Path file = dir.resolve("btc_1h.csv");
        Files.writeString(file, csv);
        run(ImportOptions.of(ImportFormat.OHLCV_CSV, "copy", "btc_usd"), file);
        CandleSeries back = store.candles(new Market("copy", "btc_usd"), Timeframe.H1);
        assertThat(back.openTimes()).containsExactly(h1.openTimes());
        assertThat(back.closes()).containsExactly(h1.closes());
        assertThat(back.volumes()).containsExactly(h1.volumes());
        assertThat(back.tradeCounts()).containsExactly(h1.tradeCounts());
        assertThat(store.candles(new Market("copy", "btc_usd"), Timeframe.D1).closes())
                .containsExactly(store.candles(BTC, Timeframe.D1).closes());
    }

    private static List<String[]> unzipRows(Path zip) throws IOException {
        List<String[]> rows = new ArrayList<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(zip))) {
            z.getNextEntry();
            BufferedReader r = new BufferedReader(new InputStreamReader(z, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    rows.add(line.split(","));
                }
            }
        }
        return rows;
    }
}
