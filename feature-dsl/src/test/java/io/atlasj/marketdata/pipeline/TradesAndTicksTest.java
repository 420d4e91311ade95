package io.atlasj.marketdata.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.atlasj.marketdata.CandleSeries;
import io.atlasj.marketdata.Market;
import io.atlasj.marketdata.QuoteSeries;
import io.atlasj.marketdata.Timeframe;
import io.atlasj.marketdata.TradeSeries;
import io.atlasj.marketdata.imports.ImportFormat;
import io.atlasj.marketdata.imports.ImportOptions;
import io.atlasj.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;

/**
 * Trades and quote ticks from files with named columns: the real Binance BTC/USDT trades and best bid/offer of
 * 2024-08-08 (the websocket capture fixtures, read by {@code binance-ws} as the reference) written out as a trades CSV
 * in Binance's own archive columns, and as Parquet files of trades and of quote ticks, import to the same trades (time,
 * price, amount, aggressor side, id), the same candles with their taker-buy volume, and the same quotes.
 */
class TradesAndTicksTest extends ImportFixture {
    static final Market WS = new Market("binance", "btcusdt");
    static final Market FILE = new Market("file", "btcusdt");

    private ImportJob.FileOutcome run(Path file, ImportOptions options) {
        return new ImportJob(store).run(List.of(file), options, ImportJob.Listener.NONE).files().get(0);
    }

    private TradeSeries reference() {
        for (String f : List.of("binance-ws/btcusdt_20240808_trades.gz", "binance-ws/btcusdt_20240808_head4000.gz")) {
            var o = run(TestData.fixture(f), ImportOptions.of(ImportFormat.BINANCE_WS, WS.exchange(), null));
            assertThat(o.rejected()).as(o.error()).isFalse();
        }
        TradeSeries t = store.trades(WS, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(t.size()).isGreaterThan(1_000);
        return t;
    }

    private void assertSameTrades(TradeSeries want) {
        TradeSeries got = store.trades(FILE, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(got.size()).isEqualTo(want.size());
        assertThat(got.times()).isEqualTo(want.times());
        assertThat(got.prices()).isEqualTo(want.prices());
        assertThat(got.quantities()).isEqualTo(want.quantities());
        assertThat(got.sides()).isEqualTo(want.sides()).contains((byte) 1, (byte) -1);
        assertThat(got.tradeIds()).isEqualTo(want.tradeIds());
        CandleSeries a = store.candles(FILE, Timeframe.S1);
        CandleSeries b = store.candles(WS, Timeframe.S1);
        assertThat(a.closes()).isEqualTo(b.closes());
        assertThat(a.volumes()).isEqualTo(b.volumes());
        assertThat(a.takerBuyVolumes()).isEqualTo(b.takerBuyVolumes());
    }

    /**
     * A capture that gives a stored trade id another trade (here the real spot capture with one trade's price moved, as
     * another market's trades under the same name would) is refused whole; before, the stored trade was kept and the
     * file's taken for it without a word. The same capture again is still a no-op.
     */
    @Test
    void aTradeIdStoredWithOtherValuesRefusesTheFile() throws IOException {
        Path capture = TestData.fixture("binance-ws/btcusdt_20240808_trades.gz");
        ImportOptions ws = ImportOptions.of(ImportFormat.BINANCE_WS, "binance", null);
        assertThat(run(capture, ws).rejected()).isFalse();
        Market m = new Market("binance", "btcusdt");
        TradeSeries stored = store.trades(m, Long.MIN_VALUE, Long.MAX_VALUE);
        List<String> lines;
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(
                Files.newInputStream(capture)), java.nio.charset.StandardCharsets.UTF_8))) {
            lines = new java.util.ArrayList<>(in.lines().toList());
        }
        int k = lines.size() / 2;
        String moved = lines.get(k).replaceFirst("\"p\":\"([0-9]+)\\.", "\"p\":\"1$1.");
        assertThat(moved).isNotEqualTo(lines.get(k));
        lines.set(k, moved);
        var again = run(capture, ws);
        assertThat(again.rejected()).isFalse();
        assertThat(again.present()).isEqualTo(stored.size());
        var refused = importFile("moved.txt", String.join("\n", lines) + "\n", ws);
        assertThat(refused.error()).contains("1 of its trades of binance:btcusdt differ from the ones already imported "
                + "with the same time and id").contains("nothing of it was written");
        assertThat(store.trades(m, Long.MIN_VALUE, Long.MAX_VALUE).prices()).isEqualTo(stored.prices());
    }
    @Test
    void aTradesCsvInBinancesArchiveColumnsGivesTheSameTradesAndCandles() throws IOException {
        TradeSeries want = reference();
        // newest first, as some exports are, with Binance's archive header
        StringBuilder csv = new StringBuilder("id,price,qty,quote_qty,time,is_buyer_maker,is_best_match\n");
        for (int i = want.size() - 1; i >= 0; i--) {
            csv.append(want.tradeIds()[i]).append(',').append(want.prices()[i]).append(',')
                    .append(want.quantities()[i]).append(',').append(want.prices()[i] * want.quantities()[i])
                    .append(',').append(want.times()[i]).append(',').append(want.sides()[i] < 0).append(",true\n");
        }
        var o = importFile("trades.csv", csv.toString(), ImportOptions.of(ImportFormat.TRADES_CSV, FILE.exchange(),
                FILE.symbol()));
        assertThat(o.rejected()).as(o.error()).isFalse();
        assertSameTrades(want);
        // two files that overlap, the second starting inside a millisecond the first ends in: each trade once
        int cut = 1;
        while (want.times()[cut] != want.times()[cut - 1] || cut < want.size() / 3) {
            cut++;
        }
        Market twice = new Market("twice", "btcusdt");
        for (int[] part : new int[][] {{0, cut + 1}, {cut, want.size()}}) {
            StringBuilder p = new StringBuilder("time,price,qty,is_buyer_maker,trade_id\n");
            for (int i = part[0]; i < part[1]; i++) {
                p.append(want.times()[i]).append(',').append(want.prices()[i]).append(',').append(want.quantities()[i])
                        .append(',').append(want.sides()[i] < 0).append(',').append(want.tradeIds()[i]).append('\n');
            }
            var op = importFile("part" + part[0] + ".csv", p.toString(), ImportOptions.of(ImportFormat.TRADES_CSV,
                    twice.exchange(), twice.symbol()));
            assertThat(op.rejected()).as(op.error()).isFalse();
        }
        TradeSeries both = store.trades(twice, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(both.size()).isEqualTo(want.size());
        assertThat(both.tradeIds()).isEqualTo(want.tradeIds());
        assertThat(store.candles(twice, Timeframe.S1).volumes()).isEqualTo(store.candles(WS, Timeframe.S1).volumes());
        // a bad side and a negative amount are bad rows named by line and field
        var bad = importFile("bad.csv", "time,price,amount,side\n1723161254036,61700.5,0.1,sideways\n"
                + "1723161254037,61700.5,-1,buy\n", ImportOptions.of(ImportFormat.TRADES_CSV, "bad", "btcusdt"));
        assertThat(bad.error()).contains("bad.csv:2").contains("side").contains("sideways").contains("bad.csv:3")
                .contains("amount");
        // with --columns, a header whose time is named with punctuation is still the header, and a side that is a
        // word in the first data row is data
        var named = importFile("named.csv", "side,Time (UTC),px,qty\nbuy,2024-08-08T23:54:13.937Z,61700.5,0.1\n"
                + "sell,2024-08-08T23:54:13.938Z,61700,0.2\n", ImportOptions.of(ImportFormat.TRADES_CSV, "named",
                "btcusdt").withColumns("side,time,price,amount"));
        assertThat(named.rejected()).as(named.error()).isFalse();
        assertThat(store.trades(new Market("named", "btcusdt"), Long.MIN_VALUE, Long.MAX_VALUE).sides())
                .containsExactly((byte) 1, (byte) -1);
        var headless = importFile("headless.csv", "buy,1723161254036,61700.5,0.1\nsell,1723161254037,61700,0.2\n",
                ImportOptions.of(ImportFormat.TRADES_CSV, "headless", "btcusdt").withColumns("side,time,price,amount"));
        assertThat(headless.rejected()).as(headless.error()).isFalse();
        assertThat(store.trades(new Market("headless", "btcusdt"), Long.MIN_VALUE, Long.MAX_VALUE).size()).isEqualTo(2);
        // ids as pandas writes a column with gaps (12.0) are ids; an id twice, or a row without one among rows with
        // ids, is a bad row by line
        var ids = importFile("ids.csv", "time,price,amount,id\n1723161254036,61700.5,0.1,12.0\n"
                + "1723161254037,61700.5,0.2,12\n1723161254038,61701,0.3,\n1723161254039,61701,0.4,14\n",
                ImportOptions.of(ImportFormat.TRADES_CSV, "ids", "btcusdt"));
        assertThat(ids.error()).contains("ids.csv:3").contains("trade id 12 already seen on line 2")
                .contains("ids.csv:4").contains("the file's other trades have ids");
        var skipped = importFile("ids.csv", "time,price,amount,id\n1723161254036,61700.5,0.1,12.0\n"
                + "1723161254037,61700.5,0.2,12\n1723161254038,61701,0.3,\n1723161254039,61701,0.4,14\n",
                ImportOptions.of(ImportFormat.TRADES_CSV, "ids", "btcusdt").withSkipBadRows(true));
        assertThat(skipped.rejected()).as(skipped.error()).isFalse();
        assertThat(store.trades(new Market("ids", "btcusdt"), Long.MIN_VALUE, Long.MAX_VALUE).tradeIds())
                .containsExactly(12L, 14L);
    }

    @Test
    void parquetTradesAndQuoteTicksGiveTheSameSeries() throws IOException {
        TradeSeries want = reference();
        MessageType trades = Types.buildMessage()
                .required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true,
                        LogicalTypeAnnotation.TimeUnit.MICROS)).named("timestamp")
                .required(PrimitiveTypeName.DOUBLE).named("price").required(PrimitiveTypeName.DOUBLE).named("size")
                .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("side")
                .required(PrimitiveTypeName.INT64).named("trade_id").named("trades");
        Path tp = write("trades.parquet", trades, want.size(), (g, i) -> g.append("timestamp", want.times()[i] * 1000)
                .append("price", want.prices()[i]).append("size", want.quantities()[i])
                .append("side", want.sides()[i] > 0 ? "buy" : "sell").append("trade_id", want.tradeIds()[i]));
        var o = run(tp, ImportOptions.of(ImportFormat.PARQUET, FILE.exchange(), FILE.symbol()));
        assertThat(o.rejected()).as(o.error()).isFalse();
        assertSameTrades(want);

        QuoteSeries q = store.quotes(WS, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(q.size()).as("best bid/offer messages in the capture").isGreaterThan(100);
        MessageType ticks = Types.buildMessage()
                .required(PrimitiveTypeName.INT64).as(LogicalTypeAnnotation.timestampType(true,
                        LogicalTypeAnnotation.TimeUnit.MILLIS)).named("time")
                .required(PrimitiveTypeName.DOUBLE).named("best_bid").required(PrimitiveTypeName.DOUBLE).named("bid_qty")
                .required(PrimitiveTypeName.DOUBLE).named("best_ask").required(PrimitiveTypeName.DOUBLE).named("ask_qty")
                .named("quotes");
        Path qp = write("quotes.parquet", ticks, q.size(), (g, i) -> g.append("time", q.times()[i])
                .append("best_bid", q.bids()[i]).append("bid_qty", q.bidSizes()[i]).append("best_ask", q.asks()[i])
                .append("ask_qty", q.askSizes()[i]));
        var oq = run(qp, ImportOptions.of(ImportFormat.PARQUET, FILE.exchange(), FILE.symbol()));
        assertThat(oq.rejected()).as(oq.error()).isFalse();
        // the same file again, and its second half alone: nothing new is stored
        Path half = write("half.parquet", ticks, q.size() - q.size() / 2, (g, i) -> {
            int k = i + q.size() / 2;
            return g.append("time", q.times()[k]).append("best_bid", q.bids()[k]).append("bid_qty", q.bidSizes()[k])
                    .append("best_ask", q.asks()[k]).append("ask_qty", q.askSizes()[k]);
        });
        for (Path again : List.of(qp, half)) {
            var o2 = run(again, ImportOptions.of(ImportFormat.PARQUET, FILE.exchange(), FILE.symbol()));
            assertThat(o2.rejected()).as(o2.error()).isFalse();
            assertThat(o2.inserted()).as(again.getFileName().toString()).isZero();
        }
        QuoteSeries got = store.quotes(FILE, Long.MIN_VALUE, Long.MAX_VALUE);
        assertThat(got.times()).isEqualTo(q.times());
        assertThat(got.bids()).isEqualTo(q.bids());
        assertThat(got.asks()).isEqualTo(q.asks());
        assertThat(got.bidSizes()).isEqualTo(q.bidSizes());
        assertThat(got.askSizes()).isEqualTo(q.askSizes());
        assertThat(store.quoteCandles(FILE, Timeframe.S1, Long.MIN_VALUE, Long.MAX_VALUE).bidCloses())
                .isEqualTo(store.quoteCandles(WS, Timeframe.S1, Long.MIN_VALUE, Long.MAX_VALUE).bidCloses());
    }

    @Test
    void arrowTradesGiveTheSameTrades() throws IOException {
        TradeSeries want = reference();
        Path file = dir.resolve("trades.arrow");
        var ms = new org.apache.arrow.vector.types.pojo.ArrowType.Timestamp(
                org.apache.arrow.vector.types.TimeUnit.MILLISECOND, "UTC");
        var f8 = new org.apache.arrow.vector.types.pojo.ArrowType.FloatingPoint(
                org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE);
        List<org.apache.arrow.vector.types.pojo.Field> fields = List.of(
                org.apache.arrow.vector.types.pojo.Field.nullable("transact_time", ms),
                org.apache.arrow.vector.types.pojo.Field.nullable("price", f8),
                org.apache.arrow.vector.types.pojo.Field.nullable("quantity", f8),
                org.apache.arrow.vector.types.pojo.Field.nullable("is_buyer_maker",
                        org.apache.arrow.vector.types.pojo.ArrowType.Bool.INSTANCE),
                org.apache.arrow.vector.types.pojo.Field.nullable("agg_trade_id",
                        new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true)));
        try (var alloc = new org.apache.arrow.memory.RootAllocator();
             var root = org.apache.arrow.vector.VectorSchemaRoot.create(
                     new org.apache.arrow.vector.types.pojo.Schema(fields), alloc);
             var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE,
                     java.nio.file.StandardOpenOption.WRITE);
             var w = new org.apache.arrow.vector.ipc.ArrowFileWriter(root, null, ch)) {
            w.start();
            root.allocateNew();
            for (int i = 0; i < want.size(); i++) {
                ((org.apache.arrow.vector.TimeStampMilliTZVector) root.getVector(0)).setSafe(i, want.times()[i]);
                ((org.apache.arrow.vector.Float8Vector) root.getVector(1)).setSafe(i, want.prices()[i]);
                ((org.apache.arrow.vector.Float8Vector) root.getVector(2)).setSafe(i, want.quantities()[i]);
                ((org.apache.arrow.vector.BitVector) root.getVector(3)).setSafe(i, want.sides()[i] < 0 ? 1 : 0);
                ((org.apache.arrow.vector.BigIntVector) root.getVector(4)).setSafe(i, want.tradeIds()[i]);
            }
            root.setRowCount(want.size());
            w.writeBatch();
            w.end();
        }
        var o = run(file, ImportOptions.of(ImportFormat.ARROW, FILE.exchange(), FILE.symbol()));
        assertThat(o.rejected()).as(o.error()).isFalse();
        assertSameTrades(want);
    }

    /**
     * {@code atlas data export --format csv | arrow} writes each market's trades and quote ticks, and importing the
     * files back gives the same series: trades with their sides and ids, quotes with their sizes.
     */
    @Test
    void exportedTradesAndQuotesImportBackTheSame() throws IOException {
        TradeSeries want = reference();
        QuoteSeries quotes = store.quotes(WS, Long.MIN_VALUE, Long.MAX_VALUE);
        for (var format : io.atlasj.marketdata.lake.SeriesFiles.Format.values()) {
            Path out = dir.resolve("export-" + format.extension());
            var written = io.atlasj.marketdata.lake.SeriesFiles.exportTicks(store, m -> m.equals(WS), format, out);
            assertThat(written).hasSize(2);
            Path trades = io.atlasj.marketdata.lake.SeriesFiles.ticksFileOf(out, WS, "trades", format);
            Path quoteFile = io.atlasj.marketdata.lake.SeriesFiles.ticksFileOf(out, WS, "quotes", format);
            boolean csv = format == io.atlasj.marketdata.lake.SeriesFiles.Format.CSV;
            try (var again = io.atlasj.marketdata.store.MarketDataStore.open(dir.resolve("again-" + format.extension()))) {
                var o = new ImportJob(again).run(List.of(trades), ImportOptions.of(csv ? ImportFormat.TRADES_CSV
                        : ImportFormat.ARROW, WS.exchange(), WS.symbol()), ImportJob.Listener.NONE).files().get(0);
                assertThat(o.rejected()).as(o.error()).isFalse();
                var oq = new ImportJob(again).run(List.of(quoteFile), ImportOptions.of(csv ? ImportFormat.QUOTES_CSV
                        : ImportFormat.ARROW, WS.exchange(), WS.symbol()), ImportJob.Listener.NONE).files().get(0);
                assertThat(oq.rejected()).as(oq.error()).isFalse();
                TradeSeries got = again.trades(WS, Long.MIN_VALUE, Long.MAX_VALUE);
                assertThat(got.times()).as(format.extension()).isEqualTo(want.times());
                assertThat(got.prices()).isEqualTo(want.prices());
                assertThat(got.quantities()).isEqualTo(want.quantities());
                assertThat(got.sides()).isEqualTo(want.sides());
                assertThat(got.tradeIds()).isEqualTo(want.tradeIds());
                QuoteSeries q = again.quotes(WS, Long.MIN_VALUE, Long.MAX_VALUE);
                assertThat(q.times()).isEqualTo(quotes.times());
                assertThat(q.bids()).isEqualTo(quotes.bids());
                assertThat(q.askSizes()).isEqualTo(quotes.askSizes());
            }
        }
    }

    private interface Row {
        Group fill(Group g, int i);
    }

    private Path write(String name, MessageType schema, int rows, Row row) throws IOException {
        Path file = dir.resolve(name);
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        SimpleGroupFactory f = new SimpleGroupFactory(schema);
        try (ParquetWriter<Group> w = ExampleParquetWriter.builder(HadoopOutputFile.fromPath(
                new org.apache.hadoop.fs.Path(file.toUri()), conf)).withType(schema).withConf(conf)
                .withExtraMetaData(Map.of()).build()) {
            for (int i = 0; i < rows; i++) {
                w.write(row.fill(f.newGroup(), i));
            }
        }
        assertThat(Files.size(file)).isPositive();
        return file;
    }

    /**
     * Trades of part of a day (a websocket capture of six minutes around midnight) imported for a market that holds
     * the exchange's minute klines of those days make only the bars finer than the klines (seconds): the bars the
     * klines make (minutes to weeks) stay whole, and are the same whichever was imported first. Before, the trades
     * rebuilt every timeframe of the two days from themselves, leaving six minutes of five-minute to weekly bars.
     */
    @Test
    void tradesOfPartOfADayKeepTheBarsOfTheImportedCandles() throws IOException {
        Path klines = dir.resolve("BTCUSDT-1m-2024-08-08.csv");
        StringBuilder sb = new StringBuilder();
        java.util.Random r = new java.util.Random(3);
        long start = 1_723_075_200_000L; // 2024-08-08T00:00Z: two whole days of minutes around the capture
        double price = 61_800;
        for (int i = 0; i < 2 * 1440; i++) {
            long open = start + i * 60_000L;
            double close = Math.round((price + r.nextGaussian() * 20) * 100) / 100.0;
            double volume = Math.round((1 + r.nextDouble()) * 1e5) / 1e5;
            sb.append(open).append(',').append(price).append(',').append(Math.max(price, close) + 5).append(',')
                    .append(Math.min(price, close) - 5).append(',').append(close).append(',').append(volume).append(',')
                    .append(open + 59_999).append(',').append(Math.round(volume * close * 100) / 100.0).append(",100,")
                    .append(Math.round(volume / 2 * 1e5) / 1e5).append(',')
                    .append(Math.round(volume / 2 * close * 100) / 100.0).append(",0\n");
            price = close;
        }
        Files.writeString(klines, sb);
        Path capture = TestData.fixture("binance-ws/btcusdt_20240808_trades.gz");
        List<Timeframe> made = List.of(Timeframe.M1, Timeframe.M5, Timeframe.H1, Timeframe.D1, Timeframe.W1);
        Market first = new Market("klines-first", "btcusdt");
        assertThat(run(klines, ImportOptions.of(ImportFormat.BINANCE_KLINES, first.exchange(), "btcusdt")).rejected())
                .isFalse();
        Map<Timeframe, CandleSeries> before = new java.util.HashMap<>();
        for (Timeframe tf : made) {
            before.put(tf, store.candles(first, tf));
        }
        assertThat(before.get(Timeframe.M5).size()).isEqualTo(2 * 288);
        assertThat(run(capture, ImportOptions.of(ImportFormat.BINANCE_WS, first.exchange(), null)).rejected()).isFalse();
        assertThat(store.trades(first, Long.MIN_VALUE, Long.MAX_VALUE).size()).isEqualTo(9757);
        for (Timeframe tf : made) {
            CandleSeries after = store.candles(first, tf);
            assertThat(after.openTimes()).as("%s bars", tf).isEqualTo(before.get(tf).openTimes());
            assertThat(after.closes()).as("%s closes", tf).isEqualTo(before.get(tf).closes());
            assertThat(after.volumes()).as("%s volumes", tf).isEqualTo(before.get(tf).volumes());
        }
        CandleSeries seconds = store.candles(first, Timeframe.S1);
        assertThat(seconds.size()).as("second bars from the trades").isBetween(300, 400);
        // the capture first, then the klines: the same bars at every timeframe
        Market second = new Market("trades-first", "btcusdt");
        assertThat(run(capture, ImportOptions.of(ImportFormat.BINANCE_WS, second.exchange(), null)).rejected()).isFalse();
        assertThat(run(klines, ImportOptions.of(ImportFormat.BINANCE_KLINES, second.exchange(), "btcusdt")).rejected())
                .isFalse();
        for (Timeframe tf : List.of(Timeframe.S1, Timeframe.M1, Timeframe.M5, Timeframe.H1, Timeframe.D1, Timeframe.W1)) {
            CandleSeries a = store.candles(first, tf);
            CandleSeries b = store.candles(second, tf);
            assertThat(b.openTimes()).as("%s bars in either order", tf).isEqualTo(a.openTimes());
            assertThat(b.closes()).as("%s closes in either order", tf).isEqualTo(a.closes());
            assertThat(b.volumes()).as("%s volumes in either order", tf).isEqualTo(a.volumes());
        }
        // klines of the first day only: that day keeps its kline bars, the second day's come from its trades
        Path firstDay = dir.resolve("BTCUSDT-1m-2024-08-08-only.csv");
        Files.writeString(firstDay, sb.substring(0, sb.indexOf(String.valueOf(start + 1440 * 60_000L))));
        Market third = new Market("one-day", "btcusdt");
        assertThat(run(firstDay, ImportOptions.of(ImportFormat.BINANCE_KLINES, third.exchange(), "btcusdt")).rejected())
                .isFalse();
        assertThat(run(capture, ImportOptions.of(ImportFormat.BINANCE_WS, third.exchange(), null)).rejected()).isFalse();
        long midnight = start + 1440 * 60_000L;
        for (Timeframe tf : List.of(Timeframe.M1, Timeframe.M5, Timeframe.H1)) {
            CandleSeries day1 = store.candles(third, tf, start, midnight);
            CandleSeries want = store.candles(first, tf, start, midnight);
            assertThat(day1.closes()).as("%s bars of the kline day", tf).isEqualTo(want.closes());
            CandleSeries day2 = store.candles(third, tf, midnight, midnight + 86_400_000L);
            assertThat(day2.size()).as("%s bars of the trades' own day", tf).isEqualTo(1);
            assertThat(day2.openTime(0)).isEqualTo(midnight);
        }
        assertThat(store.candles(third, Timeframe.D1).size()).as("a daily bar of each day").isEqualTo(2);
    }
}
