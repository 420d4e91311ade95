package io.atlasj.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.home.AtlasHome;
import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.store.MarketDataStore;
import io.atlasj.yaml.YNode;
import io.atlasj.yaml.YamlTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The import corpus ({@code src/test/resources/import-corpus/cases.yaml}): files in the shapes users get from
 * exchanges, data vendors and trading tools, and malformed ones, each through {@code atlas data import} into a fresh
 * home: its exit code, what it says (file, line, field, hint) and what the store holds afterwards, checked against
 * the 60 real bars the files were written from and their hourly aggregation by hand. Whatever a case expects, the
 * store must hold only plausible bars and the output no stack trace.
 */
class ImportCorpusTest {
    private static final Path CORPUS = Path.of("src/test/resources/import-corpus");

    @TempDir
    Path tmp;

    /** A reference bar: open time (ms), open, high, low, close, volume. */
    private record Bar(long time, double open, double high, double low, double close, double volume) {
    }

    /** A reference trade: time (ms), price, amount, aggressor side (+1 buy, -1 sell), id. */
    private record Trade(long time, double price, double amount, int side, long id) {
    }

    /** A reference quote: time (ms), bid, ask, bid size, ask size. */
    private record Quote(long time, double bid, double ask, double bidSize, double askSize) {
    }

    @TestFactory
    Stream<DynamicTest> everyCase() throws Exception {
        YNode.Map root = (YNode.Map) YamlTree.parse(Files.readString(CORPUS.resolve("cases.yaml")));
        List<Bar> reference = reference();
        List<DynamicTest> tests = new ArrayList<>();
        int n = 0;
        for (YNode c : ((YNode.Seq) root.entries().get("cases")).items()) {
            YNode.Map m = (YNode.Map) c;
            String file = text(m, "file");
            List<String> args = new ArrayList<>(List.of("data", "import"));
            ((YNode.Seq) m.entries().get("args")).items().forEach(a -> args.add(((YNode.Scalar) a).text()));
            args.add(CORPUS.resolve(file).toString());
            int exit = Integer.parseInt(text(m, "exit"));
            List<String> says = m.entries().containsKey("says")
                    ? ((YNode.Seq) m.entries().get("says")).items().stream().map(s -> ((YNode.Scalar) s).text()).toList()
                    : List.of();
            String stored = text(m, "stored");
            Path home = tmp.resolve("case" + (++n));
            tests.add(DynamicTest.dynamicTest(n + " " + file + " (line " + m.line() + ")", () -> {
                String[] outErr = CliRun.atlas(home, exit, args.toArray(String[]::new));
                String said = outErr[0] + outErr[1];
                assertThat(said).as("a stack trace").doesNotContain("\tat ").doesNotContain("Exception:");
                for (String s : says) {
                    assertThat(said).contains(s);
                }
                checkStore(home, stored, reference);
            }));
        }
        assertThat(tests).hasSizeGreaterThan(30);
        return tests.stream();
    }

    private static String text(YNode.Map m, String key) {
        return ((YNode.Scalar) m.entries().get(key)).text();
    }

    private static List<Bar> reference() throws IOException {
        List<Bar> bars = new ArrayList<>();
        for (String line : Files.readAllLines(CORPUS.resolve("reference.csv")).subList(1, 61)) {
            String[] f = line.split(",");
            bars.add(new Bar(Long.parseLong(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5])));
        }
        return bars;
    }

    private static void checkStore(Path home, String stored, List<Bar> reference) {
        Path dir = new AtlasHome(home).marketData();
        if (!Files.exists(dir)) {
            assertThat(stored).isEqualTo("none");
            return;
        }
        try (MarketDataStore store = MarketDataStore.open(dir)) {
            for (MarketDataStore.BarSeries s : store.barSeries()) {
                if (!s.quoteBars()) {
                    plausible(store.candles(s.market(), s.timeframe()));
                }
            }
            List<Market> markets = store.markets();
            if (stored.equals("none")) {
                assertThat(store.barSeries()).isEmpty();
                return;
            }
            assertThat(markets).hasSize(1);
            if (stored.equals("trades")) {
                trades(store, markets.get(0));
                return;
            }
            if (stored.startsWith("quotes")) {
                quotes(store, markets.get(0), !stored.equals("quotes-without-sizes"));
                return;
            }
            CandleSeries m5 = store.candles(markets.get(0), Timeframe.M5);
            if (stored.equals("reference-without-volume")) {
                List<Bar> noVolume = reference.stream()
                        .map(b -> new Bar(b.time, b.open, b.high, b.low, b.close, Double.NaN)).toList();
                sameAs(m5, noVolume);
            } else if (stored.equals("shifted-one-hour")) {
                sameAs(m5, reference.stream().map(b -> new Bar(b.time + 3_600_000L, b.open, b.high, b.low, b.close,
                        b.volume)).toList());
            } else if (stored.equals("reference")) {
                sameAs(m5, reference);
                hourly(store.candles(markets.get(0), Timeframe.H1), reference);
            } else {
                assertThat(m5.size()).isEqualTo(Integer.parseInt(stored));
                List<Bar> kept = new ArrayList<>();
                for (int i = 0; i < m5.size(); i++) {
                    long t = m5.openTime(i);
                    kept.add(reference.stream().filter(b -> b.time == t).findFirst().orElseThrow());
                }
                sameAs(m5, kept);
            }
        }
    }

    private static List<String[]> rows(String file) {
        try {
            return Files.readAllLines(CORPUS.resolve(file)).stream().skip(1).map(l -> l.split(",")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The stored trades against reference-trades.csv, and the 1m bars against their aggregation by hand. */
    private static void trades(MarketDataStore store, Market market) {
        List<Trade> ref = rows("reference-trades.csv").stream().map(f -> new Trade(Long.parseLong(f[0]),
                Double.parseDouble(f[1]), Double.parseDouble(f[2]), f[3].equals("buy") ? 1 : -1,
                Long.parseLong(f[4]))).toList();
        var t = store.trades(market, 0, Long.MAX_VALUE);
        assertThat(t.size()).isEqualTo(ref.size());
        for (int i = 0; i < ref.size(); i++) {
            Trade r = ref.get(i);
            assertThat(new Object[] {t.times()[i], t.prices()[i], t.quantities()[i], (int) t.sides()[i],
                t.tradeIds()[i]}).as("trade %d", i).containsExactly(r.time, r.price, r.amount, r.side, r.id);
        }
        CandleSeries m1 = store.candles(market, Timeframe.M1);
        java.util.Map<Long, List<Trade>> byMinute = new java.util.TreeMap<>();
        ref.forEach(r -> byMinute.computeIfAbsent(r.time / 60_000 * 60_000, k -> new ArrayList<>()).add(r));
        assertThat(m1.size()).isEqualTo(byMinute.size());
        int i = 0;
        for (var e : byMinute.entrySet()) {
            List<Trade> ts = e.getValue();
            assertThat(m1.openTime(i)).isEqualTo(e.getKey());
            assertThat(m1.open(i)).isEqualTo(ts.get(0).price);
            assertThat(m1.high(i)).isEqualTo(ts.stream().mapToDouble(Trade::price).max().orElseThrow());
            assertThat(m1.low(i)).isEqualTo(ts.stream().mapToDouble(Trade::price).min().orElseThrow());
            assertThat(m1.close(i)).isEqualTo(ts.get(ts.size() - 1).price);
            assertThat(m1.volume(i)).isCloseTo(ts.stream().mapToDouble(Trade::amount).sum(),
                    org.assertj.core.data.Percentage.withPercentage(1e-9));
            assertThat(m1.takerBuyVolume(i)).isCloseTo(ts.stream().filter(x -> x.side > 0)
                    .mapToDouble(Trade::amount).sum(), org.assertj.core.data.Offset.offset(1e-9));
            i++;
        }
    }

    /** The stored quotes against reference-quotes.csv (in file order within a millisecond). */
    private static void quotes(MarketDataStore store, Market market, boolean sizes) {
        List<Quote> ref = rows("reference-quotes.csv").stream().map(f -> new Quote(Long.parseLong(f[0]),
                Double.parseDouble(f[1]), Double.parseDouble(f[2]), Double.parseDouble(f[3]),
                Double.parseDouble(f[4]))).toList();
        var q = store.quotes(market, 0, Long.MAX_VALUE);
        assertThat(q.size()).isEqualTo(ref.size());
        for (int i = 0; i < ref.size(); i++) {
            Quote r = ref.get(i);
            assertThat(new double[] {q.times()[i], q.bids()[i], q.asks()[i]}).as("quote %d", i)
                    .containsExactly(r.time, r.bid, r.ask);
            if (sizes) {
                assertThat(new double[] {q.bidSizes()[i], q.askSizes()[i]}).as("quote %d sizes", i)
                        .containsExactly(r.bidSize, r.askSize);
            } else {
                assertThat(q.bidSizes()[i]).isNaN();
            }
        }
    }

    private static void sameAs(CandleSeries s, List<Bar> bars) {
        assertThat(s.size()).isEqualTo(bars.size());
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            assertThat(new double[] {s.openTime(i), s.open(i), s.high(i), s.low(i), s.close(i), s.volume(i)})
                    .as("bar %d", i)
                    .containsExactly(b.time, b.open, b.high, b.low, b.close, b.volume);
        }
    }

    /** The stored hourly bars against the reference aggregated by hand: first open, highest, lowest, last close, sum. */
    private static void hourly(CandleSeries h1, List<Bar> bars) {
        assertThat(h1.size()).isEqualTo(bars.size() / 12);
        for (int h = 0; h < h1.size(); h++) {
            List<Bar> hour = bars.subList(h * 12, h * 12 + 12);
            assertThat(h1.openTime(h)).isEqualTo(hour.get(0).time);
            assertThat(h1.open(h)).isEqualTo(hour.get(0).open);
            assertThat(h1.high(h)).isEqualTo(hour.stream().mapToDouble(Bar::high).max().orElseThrow());
            assertThat(h1.low(h)).isEqualTo(hour.stream().mapToDouble(Bar::low).min().orElseThrow());
            assertThat(h1.close(h)).isEqualTo(hour.get(11).close);
            assertThat(h1.volume(h)).isCloseTo(hour.stream().mapToDouble(Bar::volume).sum(),
                    org.assertj.core.data.Percentage.withPercentage(1e-9));
        }
    }

    private static void plausible(CandleSeries s) {
        long from = Instant.parse("2009-01-01T00:00:00Z").toEpochMilli();
        long to = System.currentTimeMillis() + 86_400_000L;
        for (int i = 0; i < s.size(); i++) {
            assertThat(s.openTime(i)).as("%s bar %d", s.timeframe(), i).isBetween(from, to);
            assertThat(s.high(i)).isGreaterThanOrEqualTo(Math.max(s.open(i), s.close(i)));
            assertThat(s.low(i)).isLessThanOrEqualTo(Math.min(s.open(i), s.close(i))).isPositive();
            assertThat(Double.isNaN(s.volume(i)) || s.volume(i) >= 0).isTrue();
        }
    }
}
